"""Notifications layers point one way: app -> graphql | events -> domain (STYLE.md, imports 4)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import subgraphs.notifications

ROOT = Path(subgraphs.notifications.__file__).parent
FORBIDDEN_IN_DOMAIN = ("strawberry", "fastapi", "starlette", "aiokafka", "httpx",
                       "subgraphs.notifications.graphql", "subgraphs.notifications.events",
                       "subgraphs.notifications.app")


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
    outer = ("subgraphs.notifications.app", f"subgraphs.notifications.{other}")
    assert {n for n in imports_of(path) if forbidden(n, outer)} == set()


def test_only_the_boundary_commits() -> None:
    # STYLE.md, imports rule 5: the inbox (message boundary) or a request commits; the domain,
    # the handlers and the resolvers never call commit themselves.
    for path in ROOT.rglob("*.py"):
        assert ".commit(" not in path.read_text(), path
