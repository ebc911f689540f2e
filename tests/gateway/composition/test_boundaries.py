"""Composition is build-time only: the runtime never imports it, and it imports no runtime
(only the pure planner and supergraph model, to share the planner's notion of reachable)."""

from __future__ import annotations

import ast
from pathlib import Path

GATEWAY = Path(__file__).resolve().parents[3] / "gateway"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_runtime_modules_never_import_composition() -> None:
    offenders = [str(p.relative_to(GATEWAY)) for p in GATEWAY.rglob("*.py")
                 if "composition" not in p.parts and p.name != "__main__.py"
                 and any(n.startswith("gateway.composition") for n in _imports(p))]
    assert offenders == []


# The pure planning packages (no I/O, no asyncio): satisfiability asks the query planner, so the
# two share one notion of "reachable" and cannot disagree.
PURE = ("gateway.planner", "gateway.supergraph")


def test_composition_imports_no_runtime_package_only_the_pure_planner() -> None:
    offenders = {str(p.name): sorted(n for n in _imports(p)
                                     if n.startswith("gateway") and not n.startswith(PURE))
                 for p in (GATEWAY / "composition").glob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
