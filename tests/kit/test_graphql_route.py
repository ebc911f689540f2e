"""/graphql, Strawberry's ASGI view as a plain route: answers through orjson, correlation ids, the
caller's principal in the context, background tasks run, and middleware added after
``create_app`` sees every /graphql request."""

from __future__ import annotations

import strawberry
from fastapi import FastAPI
from fastapi.testclient import TestClient
from strawberry.types import Info

from common.telemetry.context import correlation_id
from subgraphs.kit.app import create_app
from subgraphs.kit.identity import dev_issuer
from subgraphs.kit.schema import federation_schema
from subgraphs.kit.settings import ServiceSettings
from subgraphs.kit.tokens import Principal, issue_token

SECRET = "graphql-route-secret-0123456789abcdef"
RAN: list[str] = []


@strawberry.type
class Query:
    @strawberry.field
    def viewer(self, info: Info) -> str | None:
        principal = info.context.principal
        return None if principal is None else principal.id

    @strawberry.field
    def correlation(self) -> str | None:
        return correlation_id.get()

    @strawberry.field
    def later(self, info: Info) -> str:
        info.context.background_tasks.add_task(RAN.append, "ran")
        return "ok"

    @strawberry.field
    def text(self) -> str:
        return "é \u2028 \"quoted\""


SETTINGS = ServiceSettings(service="route-test", environment="test", service_auth_required=False,
                           jwt_secret=SECRET)


def _app() -> FastAPI:
    return create_app(
        settings=SETTINGS,
        schema=federation_schema(query=Query),
        services={},
    )


def test_graphql_answers_with_the_correlation_id_and_refuses_bad_json() -> None:
    with TestClient(_app()) as client:
        query = {"query": "{ text correlation }"}
        answer = client.post("/graphql", json=query, headers={"x-correlation-id": "abc"})
        assert answer.status_code == 200
        assert answer.json() == {"data": {"text": "é \u2028 \"quoted\"", "correlation": "abc"}}
        assert answer.headers["x-correlation-id"] == "abc"
        assert answer.headers["content-type"] == "application/json"
        bad = client.post("/graphql", content=b"{not json", headers={
            "content-type": "application/json"})
        assert bad.status_code == 400
        invalid = client.post("/graphql", json={"query": "{ nope }"}).json()
        assert invalid["errors"][0]["message"].startswith("Cannot query field 'nope'")


def test_principal_and_background_tasks() -> None:
    token, _ = issue_token(Principal("u-1", "a@b.c", "A", ("customer",)), dev_issuer(SETTINGS))
    RAN.clear()
    with TestClient(_app()) as client:
        answer = client.post("/graphql", json={"query": "{ viewer later }"},
                             headers={"authorization": f"Bearer {token}"})
        assert answer.json() == {"data": {"viewer": "u-1", "later": "ok"}}
        assert RAN == ["ran"]
        anonymous = client.post("/graphql", json={"query": "{ viewer }"})
        assert anonymous.json() == {"data": {"viewer": None}}


def test_middleware_added_later_sees_graphql_requests() -> None:
    app = _app()
    seen: list[str] = []

    @app.middleware("http")
    async def record(request, call_next):  # type: ignore[no-untyped-def]
        seen.append(request.url.path)
        return await call_next(request)

    with TestClient(app) as client:
        answer = client.post("/graphql", json={"query": "{ text }"})
        assert answer.status_code == 200
        assert seen == ["/graphql"]
        assert answer.headers["x-correlation-id"]
