"""Gateway runtime imports point down (STYLE.md "Which way imports go")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GATEWAY = Path(__file__).resolve().parents[3] / "gateway"

# package -> the gateway packages it may import (besides itself); ``metrics`` is a leaf (it
# imports no gateway module) that every layer counts into, as it would log.
ALLOWED = {
    "metrics": set(),
    "fetch": set(),
    "executor": {"fetch", "plan"},
    "plugins": {"executor", "fetch", "plan"},
    "pipeline": {"plugins", "executor", "fetch", "planner", "supergraph", "plan"},
    "http": {"pipeline", "plugins", "plan", "subscriptions_config"},
    "config": {"config_env", "edge_config", "subscriptions_config", "resilience_config",
               "production_profile", "service_auth_config"},
    "production_profile": {"config"},  # for type annotations only (config calls it)
    "service_auth_config": set(),
    "service_auth": {"fetch", "service_auth_config"},
    "config_env": set(),
    "resilience_config": set(),
    "fetch_policy": {"config", "fetch"},
    "edge_config": set(),
    "subscriptions_config": set(),
    # service_auth: the gateway's own service token, for users' batch token-version route
    "edge_wiring": {"config", "edge_config", "http", "pipeline", "plugins", "fetch",
                    "service_auth"},
    "app": {"config", "edge_wiring", "fetch_policy", "service_auth", "http", "pipeline",
            "plugins", "executor", "fetch", "supergraph", "plan"},
}


def _gateway_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] in ("subgraphs", "streaming"):
                found.add(parts[0])
            elif parts[0] == "gateway" and len(parts) > 1:
                found.add(parts[1])
    return found


def _modules(package: str) -> list[Path]:
    single = GATEWAY / f"{package}.py"
    return [single] if single.exists() else sorted((GATEWAY / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_runtime_package_imports_only_what_lies_below_it(package: str):
    leaf = set() if package == "metrics" else {"metrics"}
    for module in _modules(package):
        wrong = _gateway_imports(module) - ALLOWED[package] - {package} - leaf
        assert not wrong, f"{module.relative_to(GATEWAY)} imports {sorted(wrong)}"
