"""Read rover's `supergraph.yaml` (federation_version, subgraphs with routing_url and schema)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = ["ConfigError", "SubgraphConfig", "load_config"]

_TOP_KEYS = {"federation_version", "subgraphs"}
_ENV = re.compile(r"\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_VERSION = re.compile(r"^=?2(\.\d+){0,2}$")  # rover: `=2.9.0` pins, `2` means latest 2.x
_SUBGRAPH_KEYS = {"routing_url", "schema"}
_SCHEMA_KEYS = {"file", "subgraph_url", "introspection_headers"}


class ConfigError(Exception):
    """The config cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SubgraphConfig:
    """One subgraph entry: where it is served and where its SDL comes from."""

    name: str
    routing_url: str
    file: Path | None = None
    subgraph_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def load_config(path: Path) -> list[SubgraphConfig]:
    """Parse and validate; file paths are relative to the config file, as rover does."""
    data = _read_yaml(path)
    problems = _unknown(data, _TOP_KEYS, str(path))
    version = data.get("federation_version")
    if version is not None and not _VERSION.match(str(version)):
        problems.append(f"{path}: federation_version {version!r} is not like `=2.9.0` or `2`")
    subgraphs = data.get("subgraphs")
    if not isinstance(subgraphs, dict) or not subgraphs:
        problems.append(f"{path}: `subgraphs` must map at least one subgraph name to its config")
        raise ConfigError(problems)
    result = []
    for name, entry in subgraphs.items():
        try:
            result.append(_subgraph(str(name), entry, path.parent))
        except ConfigError as exc:
            problems += exc.problems
    if problems:
        raise ConfigError(problems)
    return result


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read config: {exc.strerror or exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError([f"{path}: invalid YAML{where}: {reason}"]) from None
    if data is None:
        raise ConfigError([f"{path}: config is empty; list subgraphs under `subgraphs:`"])
    if not isinstance(data, dict):
        raise ConfigError([f"{path}: config must be a mapping with a `subgraphs` key"])
    problems: list[str] = []
    data = _expand(data, problems, str(path))
    if problems:
        raise ConfigError(problems)
    return data


def _expand(value: object, problems: list[str], where: str) -> object:
    """Rover's `${env.NAME}` and `${env.NAME:-default}` in any string of the config."""
    if isinstance(value, dict):
        return {k: _expand(v, problems, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, problems, where) for v in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        problems.append(f"{where}: environment variable {name} is not set")
        return ""

    return _ENV.sub(substitute, value)


def _unknown(data: dict, allowed: set[str], where: str) -> list[str]:
    return [f"{where}: unknown key {key!r} (expected one of: {', '.join(sorted(allowed))})"
            for key in data if key not in allowed]


def _subgraph(name: str, entry: object, base: Path) -> SubgraphConfig:
    where = f"subgraphs.{name}"
    if not isinstance(entry, dict):
        raise ConfigError([f"{where}: must be a mapping with `routing_url` and `schema`"])
    problems = _unknown(entry, _SUBGRAPH_KEYS, where)
    schema = entry.get("schema")
    if not isinstance(schema, dict):
        problems.append(f"{where}.schema: must be `{{file: path}}` or `{{subgraph_url: url}}`")
        raise ConfigError(problems)
    problems += _unknown(schema, _SCHEMA_KEYS, f"{where}.schema")
    file, url = schema.get("file"), schema.get("subgraph_url")
    if (file is None) == (url is None):
        problems.append(f"{where}.schema: give exactly one of `file` or `subgraph_url`")
    routing_url = entry.get("routing_url") or url
    if not isinstance(routing_url, str):
        problems.append(f"{where}: `routing_url` is required when the schema is a file")
    headers = schema.get("introspection_headers") or {}
    if problems:
        raise ConfigError(problems)
    return SubgraphConfig(name, routing_url, base / str(file) if file is not None else None,
                          str(url) if url is not None else None,
                          {str(k): str(v) for k, v in headers.items()})
