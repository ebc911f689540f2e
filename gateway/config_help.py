"""Every GatewayConfig option as help text: its YAML key, environment variable, default and use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

__all__ = ["config_options", "options_help"]

_PREFIX, _NESTED = "GATEWAY_", "__"  # GatewayConfig.model_config: env_prefix, env_nested_delimiter


def config_options(model: type[BaseModel], path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(dotted YAML key, one help line) for each option of ``model``, nested sections flattened."""
    for name, field in model.model_fields.items():
        key = (*path, name)
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            yield from config_options(kind, key)
            continue
        env = _PREFIX + _NESTED.join(key).upper()
        # a computed default (mode, environment) is told by the description
        plain = not field.is_required() and field.default_factory is None
        default = f" (default: {_default(field)})" if plain else ""
        yield ".".join(key), f"{env}: {field.description or ''}{default}"


def options_help(model: type[BaseModel]) -> str:
    """The epilog of ``python -m gateway serve --help``."""
    lines = [
        "configuration options (YAML keys of --config; each also an environment variable,",
        f"nested keys joined by {_NESTED}; the command-line options above win over both):",
    ]
    for key, text in config_options(model):
        lines.append(f"  {key}\n      {text}")
    return "\n".join(lines)


def _default(field) -> str:
    value = field.get_default(call_default_factory=True)
    return str(value) if isinstance(value, Path) else repr(value)
