"""The orders layers point one way: app -> graphql | events -> domain (STYLE.md, imports 4)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import subgraphs.orders

ROOT = Path(subgraphs.orders.__file__).parent
FORBIDDEN_IN_DOMAIN = ("strawberry", "fastapi", "starlette", "aiokafka", "httpx",
                       "subgraphs.orders.graphql", "subgraphs.orders.events",
                       "subgraphs.orders.app", "subgraphs.orders.upstream")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def forbidden(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", sorted((ROOT / "domain").glob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_no_framework_or_outer_layer(path: Path) -> None:
    assert {n for n in imports_of(path) if forbidden(n, FORBIDDEN_IN_DOMAIN)} == set()


@pytest.mark.parametrize(
    "path", sorted([*(ROOT / "graphql").glob("*.py"), *(ROOT / "events").glob("*.py")]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_graphql_and_events_never_import_the_app_or_each_other(path: Path) -> None:
    other = "events" if path.parent.name == "graphql" else "graphql"
    outer = ("subgraphs.orders.app", f"subgraphs.orders.{other}")
    assert {n for n in imports_of(path) if forbidden(n, outer)} == set()


def test_only_the_boundary_commits() -> None:
    # STYLE.md, imports rule 5: a request or the inbox (message boundary) commits.
    for path in ROOT.rglob("*.py"):
        assert ".commit(" not in path.read_text(), path


def test_every_module_has_a_docstring_and_all() -> None:
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), path
        if path.name not in ("__init__.py", "env.py") and "versions" not in path.parts:
            assert "__all__" in path.read_text(), path
