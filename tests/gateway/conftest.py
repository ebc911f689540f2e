"""Session fixtures for the federation samples: one subgraph server and one oracle per case."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.gateway.harness import (
    Case,
    OracleGateway,
    SubgraphServer,
    case_named,
    oracle_available,
)


class Samples:
    """Starts a case's servers on first use and keeps them for the whole session."""

    def __init__(self) -> None:
        self._subgraphs: dict[str, SubgraphServer] = {}
        self._oracles: dict[str, OracleGateway] = {}
        self._apps: dict[str, Any] = {}

    def case(self, name: str) -> Case:
        return case_named(name)

    def urls(self, name: str) -> dict[str, str]:
        if name not in self._subgraphs:
            self._subgraphs[name] = SubgraphServer(case_named(name)).start()
        return self._subgraphs[name].urls

    def oracle(self, name: str) -> OracleGateway:
        if name not in self._oracles:
            if reason := oracle_available():
                pytest.skip(f"Apollo Gateway oracle unavailable: {reason}")
            self._oracles[name] = OracleGateway(case_named(name), self.urls(name))
        return self._oracles[name]

    def our_app(self, name: str, create_app: Callable[..., Any]) -> Any:
        if name not in self._apps:
            case = case_named(name)
            self._apps[name] = create_app(case.supergraph, subgraph_urls=self.urls(name))
        return self._apps[name]

    def close(self) -> None:
        for oracle in self._oracles.values():
            oracle.stop()
        for server in self._subgraphs.values():
            server.stop()


@pytest.fixture(scope="session")
def samples() -> Iterator[Samples]:
    registry = Samples()
    yield registry
    registry.close()
