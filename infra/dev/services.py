"""Which processes make up the platform in dev, in start order, with their ports."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DOMAINS", "ROOT", "STOREFRONT_PORT", "Process", "domains_present", "platform_processes"]

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = {
    "users": 5001,
    "products": 5002,
    "cart": 5003,
    "orders": 5004,
    "payments": 5005,
    "notifications": 5006,
}
BROKER_PORT = 9092
GATEWAY_PORT = 8080
STOREFRONT_PORT = 3000


@dataclass(frozen=True)
class Process:
    """One long-running child of the dev runner."""

    name: str
    argv: tuple[str, ...]
    health_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)


def domains_present() -> list[str]:
    """Domains that exist in this checkout (the platform grows issue by issue)."""
    return [d for d in DOMAINS if (ROOT / "subgraphs" / d / "__main__.py").exists()]


def platform_processes() -> list[Process]:
    """Broker first, then every subgraph, then the gateway in front of them, then the
    storefront's static server when it has been built."""
    py = sys.executable
    procs: list[Process] = []
    if (ROOT / "streaming" / "broker.py").exists():
        procs.append(Process("broker", (py, "-m", "streaming.broker", "--port", str(BROKER_PORT))))
    for name in domains_present():
        port = DOMAINS[name]
        argv = (py, "-m", f"subgraphs.{name}", "serve", "--port", str(port))
        procs.append(Process(name, argv, f"http://127.0.0.1:{port}/health"))
    supergraph = ROOT / "schema" / "supergraph.graphql"
    if (ROOT / "gateway" / "__main__.py").exists() and supergraph.exists():
        argv = (py, "-m", "gateway", "serve", "--supergraph", str(supergraph),
                "--port", str(GATEWAY_PORT))
        procs.append(Process("gateway", argv, f"http://127.0.0.1:{GATEWAY_PORT}/health"))
    if (ROOT / "storefront" / "dist" / "index.html").exists():
        argv = (py, "-m", "infra.dev.storefront", "serve", "--port", str(STOREFRONT_PORT),
                "--gateway", f"http://127.0.0.1:{GATEWAY_PORT}/graphql")
        procs.append(Process("storefront", argv, f"http://127.0.0.1:{STOREFRONT_PORT}/config.js"))
    return procs
