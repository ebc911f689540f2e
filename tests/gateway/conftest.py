"""Session fixtures for the federation samples: one subgraph server and one oracle per case."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.gateway.harness import (
    Case,
    OracleGateway,
    OracleProcess,
    SubgraphServer,
    all_cases,
    case_named,
    oracle_available,
)


class Samples:
    """Starts a case's servers on first use and keeps them for the whole session."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._subgraphs: dict[str, SubgraphServer] = {}
        self._oracle: OracleProcess | None = None
        self._apps: dict[str, Any] = {}

    def case(self, name: str) -> Case:
        return case_named(name)

    def urls(self, name: str) -> dict[str, str]:
        if name not in self._subgraphs:
            self._subgraphs[name] = SubgraphServer(case_named(name)).start()
        return self._subgraphs[name].urls

    def oracle(self, name: str) -> OracleGateway:
        if self._oracle is None:
            if reason := oracle_available():
                pytest.skip(f"Apollo Gateway oracle unavailable: {reason}")
            # Node and Apollo take a second to load: one process serves every case.
            urls = {case.name: self.urls(case.name) for case in all_cases()}
            self._oracle = OracleProcess(urls, self._workdir)
        return self._oracle.gateways[name]

    def our_app(self, name: str, create_app: Callable[..., Any]) -> Any:
        if name not in self._apps:
            case = case_named(name)
            self._apps[name] = create_app(case.supergraph, subgraph_urls=self.urls(name))
        return self._apps[name]

    def close(self) -> None:
        if self._oracle is not None:
            self._oracle.stop()
        for server in self._subgraphs.values():
            server.signal_stop()
        for server in self._subgraphs.values():
            server.stop()


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Samples]:
    registry = Samples(tmp_path_factory.mktemp("samples"))
    yield registry
    registry.close()
