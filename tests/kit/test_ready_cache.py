"""/ready runs its dependency checks at most once per READY_CACHE_SECONDS, however many probe it."""

from __future__ import annotations

import strawberry
from fastapi.testclient import TestClient

from subgraphs.kit import app as kit_app
from subgraphs.kit.schema import federation_schema
from subgraphs.kit.settings import ServiceSettings


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


def probed_app(outcomes: list[Exception | None], calls: list[int]):
    async def database() -> None:
        calls.append(1)
        outcome = outcomes[min(len(calls), len(outcomes)) - 1]
        if outcome is not None:
            raise outcome

    return kit_app.create_app(
        settings=ServiceSettings(service="ready-test", environment="test",
                                 service_auth_required=False),
        schema=federation_schema(query=Query), services={},
        ready_checks={"database": database}, ready_details={"probes": lambda: len(calls)},
    )


def test_a_burst_of_probes_checks_the_database_once(monkeypatch):
    monkeypatch.setattr(kit_app, "READY_CACHE_SECONDS", 3600.0)
    calls: list[int] = []
    with TestClient(probed_app([None], calls)) as client:
        answers = [client.get("/ready") for _ in range(5)]

    assert [a.status_code for a in answers] == [200] * 5
    assert calls == [1]
    assert answers[-1].json()["probes"] == 1  # details are read fresh on every probe


def test_an_expired_result_is_checked_again_and_reports_the_outage(monkeypatch):
    monkeypatch.setattr(kit_app, "READY_CACHE_SECONDS", 0.0)
    calls: list[int] = []
    with TestClient(probed_app([None, ConnectionError("down")], calls)) as client:
        first, second = client.get("/ready"), client.get("/ready")

    assert (first.status_code, second.status_code) == (200, 503)
    assert second.json()["checks"] == {"database": "unavailable: ConnectionError"}
