"""Shared helpers: load composition cases, run the JS oracle, normalise supergraphs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from graphql import parse, print_ast
from graphql.language import DocumentNode, Node, StringValueNode

from gateway.composition import CompositionResult, SubgraphSource, compose

__all__ = ["CASES", "apollo_gateway_load", "case_sources", "compose_case", "normalise", "oracle",
           "oracle_available", "oracle_batch"]

HERE = Path(__file__).parent
CASES = sorted(p.name for p in (HERE / "cases").iterdir() if p.is_dir())
NODE_DIR = HERE / "node"
SHARED_MODULES = HERE.parent / "oracle" / "node_modules"


def case_sources(name: str) -> list[SubgraphSource]:
    """A case is `cases/<name>/subgraphs/<subgraph>.graphql`; the URL is derived from the name."""
    folder = HERE / "cases" / name / "subgraphs"
    return [SubgraphSource(p.stem, f"http://{p.stem}:4000/graphql", p.read_text())
            for p in sorted(folder.glob("*.graphql"))]


def compose_case(name: str) -> CompositionResult:
    return compose(case_sources(name))


def _node_path() -> Path | None:
    for modules in (SHARED_MODULES, NODE_DIR / "node_modules"):
        if all((modules / p).is_dir() for p in ("@theguild/federation-composition",
                                                  "@apollo/gateway")):
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
    env = os.environ | {"NODE_PATH": str(_node_path())}
    done = subprocess.run(["node", str(NODE_DIR / script)], input=json.dumps(payload), env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def oracle(sources: list[SubgraphSource]) -> dict:
    """Compose with @theguild/federation-composition: {"supergraph": sdl} or {"errors": [...]}."""
    return oracle_batch([sources])[0]


def oracle_batch(batch: list[list[SubgraphSource]]) -> list[dict]:
    """Several compositions in one node process (node start-up dominates small cases)."""
    return _node("compose.cjs", [[{"name": s.name, "url": s.url, "sdl": s.sdl} for s in sources]
                                 for sources in batch])


def apollo_gateway_load(supergraphs: list[str]) -> list[str | None]:
    """Load each supergraph in @apollo/gateway: None when it loads, else the error message."""
    return _node("load_gateway.cjs", supergraphs)


def normalise(sdl: str) -> str:
    """Sort definitions, fields, arguments, values, members and directive applications."""
    document = parse(sdl, no_location=True)
    definitions = sorted((_sorted(d) for d in document.definitions),
                         key=lambda d: (d.kind, getattr(getattr(d, "name", None), "value", "")))
    return print_ast(DocumentNode(definitions=tuple(definitions)))


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
    return replace(node, **changes) if changes else node


def _key(node: Node) -> str:
    name = getattr(node, "name", None)
    return getattr(name, "value", None) or print_ast(node)
