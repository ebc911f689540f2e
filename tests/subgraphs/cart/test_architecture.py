"""The cart's layers point one way: app -> graphql | events -> domain (STYLE.md, imports 4)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import subgraphs.cart

ROOT = Path(subgraphs.cart.__file__).parent
FORBIDDEN_IN_DOMAIN = ("strawberry", "fastapi", "starlette", "aiokafka", "httpx", "streaming",
                       "subgraphs.cart.graphql", "subgraphs.cart.events", "subgraphs.cart.app")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "domain").glob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_no_framework_or_outer_layer(path: Path) -> None:
    def forbidden(name: str) -> bool:
        return any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_DOMAIN)

    assert {name for name in imports_of(path) if forbidden(name)} == set()


@pytest.mark.parametrize(
    "path", sorted([*(ROOT / "graphql").glob("*.py"), *(ROOT / "events").glob("*.py")]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_graphql_and_events_never_import_the_app_or_each_other(path: Path) -> None:
    other = "events" if path.parent.name == "graphql" else "graphql"
    outer = ("subgraphs.cart.app", "subgraphs.cart.catalog", f"subgraphs.cart.{other}")
    assert not any(n.startswith(outer) for n in imports_of(path))
