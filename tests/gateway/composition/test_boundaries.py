"""Composition is build-time only: the runtime never imports it, and it imports no runtime."""

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


def test_composition_imports_no_other_gateway_package() -> None:
    offenders = {str(p.name): sorted(n for n in _imports(p) if n.startswith("gateway"))
                 for p in (GATEWAY / "composition").glob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
