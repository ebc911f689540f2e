"""What the import contracts cannot see: only the boundary commits, and every module says what
it is. (The layers, app -> graphql | events -> domain, are import-linter contracts in
pyproject.toml, run by ``make test``.)"""

from __future__ import annotations

import ast
from pathlib import Path

import subgraphs.orders

ROOT = Path(subgraphs.orders.__file__).parent


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
