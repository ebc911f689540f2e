"""Run hand-built plans against scripted subgraphs: canned answers, failures and call counts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from graphql import build_schema, parse

from gateway.executor import ClientOperation, execute_plan
from gateway.fetch import ClientOptions, SubgraphPool
from gateway.pipeline.normalise import select_operation
from gateway.plan import FetchNode, FlattenNode, KeyField, PlanNode, QueryPlan, Representation

__all__ = ["Subgraphs", "entities", "execute", "fetch", "flatten", "key"]

Handler = Callable[[dict[str, Any]], Awaitable[Any] | Any]


@dataclass
class Subgraphs(httpx.AsyncBaseTransport):
    """An httpx transport answering ``http://<name>/graphql`` with a handler per subgraph.

    A handler gets the JSON request and returns the JSON response, an ``httpx.Response``, or
    raises ``httpx.ConnectError`` (a subgraph that is down). Every request is recorded.
    """

    handlers: dict[str, Handler]
    requests: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.host
        body = orjson.loads(await request.aread())
        self.requests.setdefault(name, []).append({"body": body, "headers": request.headers})
        answer = self.handlers[name](body)
        if asyncio.iscoroutine(answer):
            answer = await answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, content=orjson.dumps(answer),
                              headers={"content-type": "application/json"})

    def calls(self, name: str) -> int:
        return len(self.requests.get(name, []))

    def pool(self, timeout: float = 5.0) -> SubgraphPool:
        urls = {name: f"http://{name}/graphql" for name in self.handlers}
        return SubgraphPool(urls, {n: ClientOptions(timeout=timeout) for n in urls}, self)


def key(name: str, response_key: str | None = None, *nested: KeyField) -> KeyField:
    return KeyField(name, response_key or name, tuple(nested))


def fetch(subgraph: str, operation: str, *variables: str, kind: str = "query") -> FetchNode:
    return FetchNode(subgraph, operation, kind, tuple(variables))  # type: ignore[arg-type]


def flatten(path: str, subgraph: str, type_name: str, keys: tuple[KeyField, ...],
            selection: str, *variables: str) -> FlattenNode:
    operation = (
        "query($representations: [_Any!]!) { _entities(representations: $representations) "
        f"{{ ... on {type_name} {selection} }} }}"
    )
    node = FetchNode(subgraph, operation, "query", tuple(variables),
                     (Representation(type_name, keys),))
    return FlattenNode(tuple(path.split(".")), node)


def entities(request: dict[str, Any]) -> list[dict[str, Any]]:
    return request["variables"]["representations"]


async def execute(
    schema_sdl: str,
    query: str,
    node: PlanNode | None,
    subgraphs: Subgraphs,
    variables: dict[str, Any] | None = None,
    subgraph_timeout: float = 5.0,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The client's response to ``query`` when ``node`` runs against ``subgraphs``."""
    schema = build_schema(schema_sdl)
    document = parse(query)
    operation = ClientOperation.prepare(schema, document, select_operation(document, None))
    kind = operation.kind
    plan = QueryPlan(node, kind)  # type: ignore[arg-type]
    return await execute_plan(
        plan, operation, subgraphs.pool(subgraph_timeout), variables or {},
        raw_variables=variables, headers_for=lambda _: dict(headers or {}),
    )
