"""The products layers point one way: app -> graphql | events -> domain (STYLE.md, rule 4)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import subgraphs.products

ROOT = Path(subgraphs.products.__file__).parent
FORBIDDEN_IN_DOMAIN = ("strawberry", "fastapi", "starlette", "aiokafka", "httpx",
                       "subgraphs.products.graphql", "subgraphs.products.events",
                       "subgraphs.products.app")
FORBIDDEN_IN_EVENTS = ("strawberry", "fastapi", "starlette", "subgraphs.products.graphql",
                       "subgraphs.products.app")


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


@pytest.mark.parametrize("path", sorted((ROOT / "graphql").glob("*.py")), ids=lambda p: p.name)
def test_the_graphql_layer_never_imports_the_app(path: Path) -> None:
    assert not any(n.startswith("subgraphs.products.app") for n in imports_of(path))


@pytest.mark.parametrize("path", sorted((ROOT / "events").glob("*.py")), ids=lambda p: p.name)
def test_the_event_handlers_never_import_the_graphql_layer_or_the_app(path: Path) -> None:
    def forbidden(name: str) -> bool:
        return any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_EVENTS)

    assert {name for name in imports_of(path) if forbidden(name)} == set()
