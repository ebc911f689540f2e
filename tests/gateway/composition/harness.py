"""Shared helpers: load composition cases, run the JS oracle, normalise supergraphs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from graphql import GraphQLError, parse, print_ast, strip_ignored_characters
from graphql.language import ArgumentNode, DirectiveNode, DocumentNode, Node, StringValueNode

from gateway.composition import CompositionResult, SubgraphSource, compose

from .oracles import COMPOSERS, ComposerProcess, compose_all

__all__ = [
    "CASES",
    "apollo_gateway_load",
    "case_sources",
    "compose_case",
    "composer_process",
    "normalise",
    "oracle",
    "oracle_available",
    "oracle_batch",
    "oracles_batch",
]

HERE = Path(__file__).parent
CASES = sorted(p.name for p in (HERE / "cases").iterdir() if p.is_dir())
NODE_DIR = HERE / "node"
SHARED_MODULES = HERE.parent / "oracle" / "node_modules"
_FIELD_SETS = ("key", "requires", "provides")
PACKAGES = ("@theguild/federation-composition", "@apollo/composition", "@apollo/gateway")


def case_sources(name: str) -> list[SubgraphSource]:
    """A case is `cases/<name>/subgraphs/<subgraph>.graphql`; the URL is derived from the name."""
    folder = HERE / "cases" / name / "subgraphs"
    return [SubgraphSource(p.stem, f"http://{p.stem}:4000/graphql", p.read_text())
            for p in sorted(folder.glob("*.graphql"))]


def compose_case(name: str) -> CompositionResult:
    return compose(case_sources(name))


def _node_path() -> Path | None:
    for modules in (SHARED_MODULES, NODE_DIR / "node_modules"):
        if all((modules / p).is_dir() for p in PACKAGES):
            return modules
    return None


def oracle_available() -> bool:
    """Node is installed and the oracle's packages are (or can be) installed."""
    if shutil.which("node") is None:
        return False
    if _node_path() is None and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR,
                       capture_output=True, timeout=300, check=False)
    return _node_path() is not None


def _node(script: str, payload: object) -> object:
    env = os.environ | {"NODE_PATH": str(_modules())}
    done = subprocess.run(["node", str(NODE_DIR / script)], input=json.dumps(payload), env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def oracle(sources: list[SubgraphSource], composer: str = "guild") -> dict:
    """Compose with @theguild/federation-composition ("guild") or @apollo/composition
    ("apollo"): {"supergraph": sdl} or {"errors": [...], "codes": [...]}."""
    return oracle_batch([sources], composer)[0]


def oracle_batch(batch: list[list[SubgraphSource]], composer: str = "guild") -> list[dict]:
    """Several compositions by one composer in one node process (node start-up dominates
    small cases)."""
    return [answer[composer] for answer in oracles_batch(batch, (composer,))]


def oracles_batch(batch: list[list[SubgraphSource]],
                  composers: tuple[str, ...] = COMPOSERS) -> list[dict[str, dict]]:
    """Each set composed by every composer named, in one node process: per set
    `{composer: {"supergraph": sdl} | {"errors": [...], "codes": [...]}}`."""
    return compose_all(_modules(), batch, composers)


def composer_process() -> ComposerProcess:
    """A node process composing one set at a time (for property tests); close it after use."""
    return ComposerProcess(_modules())


def _modules() -> Path:
    modules = _node_path()
    if modules is None:
        raise RuntimeError("the composition oracles are not installed (npm ci in node/)")
    return modules


def apollo_gateway_load(supergraphs: list[str]) -> list[str | None]:
    """Load each supergraph in @apollo/gateway: None when it loads, else the error message."""
    return _node("load_gateway.cjs", supergraphs)


def normalise(sdl: str) -> str:
    """Sort definitions, fields, arguments, values, members and directive applications;
    print join field sets compactly; drop the join spec's `@join__directive` definitions when
    nothing applies them (Apollo prints them with join v0.5, The Guild and we do not)."""
    document = parse(sdl, no_location=True)
    kept = [d for d in document.definitions if not _unused_join_directive(d, sdl)]
    definitions = sorted((_sorted(d) for d in kept),
                         key=lambda d: (d.kind, getattr(getattr(d, "name", None), "value", "")))
    return print_ast(DocumentNode(definitions=tuple(definitions)))


def _unused_join_directive(node: Node, sdl: str) -> bool:
    name = getattr(getattr(node, "name", None), "value", "")
    applied = re.search(r"(?<!directive )@join__directive\(", sdl)
    return name in ("join__directive", "join__DirectiveArguments") and not applied


def _sorted(node: Node) -> Node:
    changes: dict = {}
    for attr in ("fields", "arguments", "values", "types", "interfaces", "locations"):
        children = getattr(node, attr, None)
        if children and isinstance(children, tuple):
            changes[attr] = tuple(sorted((_sorted(c) for c in children), key=_key))
    directives = getattr(node, "directives", None)
    if directives:
        changes["directives"] = tuple(sorted((_sorted(d) for d in directives), key=print_ast))
    description = getattr(node, "description", None)
    if isinstance(description, StringValueNode):
        changes["description"] = StringValueNode(value=description.value.strip(), block=False)
    if isinstance(node, DirectiveNode) and node.name.value.startswith("join__") and \
            node.arguments:
        changes["arguments"] = tuple(_compact_field_set(a) for a in changes.get(
            "arguments", node.arguments))
    return replace(node, **changes) if changes else node


def _compact_field_set(argument: ArgumentNode) -> ArgumentNode:
    """`dims { w h }` and `dims{w h}` are one field set (join spec `join__FieldSet`)."""
    if argument.name.value not in _FIELD_SETS or not isinstance(argument.value, StringValueNode):
        return argument
    try:
        selections = parse("{" + argument.value.value + "}", no_location=True)
    except GraphQLError:
        return argument
    text = strip_ignored_characters(print_ast(selections))[1:-1]
    return replace(argument, value=StringValueNode(value=text))


def _key(node: Node) -> str:
    name = getattr(node, "name", None)
    return getattr(name, "value", None) or print_ast(node)
