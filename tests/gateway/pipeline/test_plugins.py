"""Named hooks run in order around a request; a failing hook is a 500 error, never a crash."""

from __future__ import annotations

from typing import Any

from gateway.app import create_app
from gateway.pipeline import GraphQLRequest
from gateway.plugins import Plugin
from tests.gateway.pipeline.shop import Shop, shop_supergraph


class Recording(Plugin):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_request(self, request: GraphQLRequest) -> GraphQLRequest:
        self.seen.append("request")
        return request

    def on_subgraph_headers(self, subgraph, headers, request):
        self.seen.append(f"headers:{subgraph}")
        return {**headers, "x-secret": "from-plugin"}

    def on_response(self, request: GraphQLRequest, response: dict[str, Any]) -> dict[str, Any]:
        self.seen.append("response")
        return {**response, "extensions": {"seen": len(self.seen)}}


class Broken(Plugin):
    def on_subgraph_headers(self, subgraph, headers, request):
        raise RuntimeError("secret detail")


async def run(plugins: list[Plugin], query: str, headers: dict[str, str] | None = None):
    shop = Shop()
    app = create_app(shop_supergraph(), transport=shop.transport, plugins=plugins)
    outcome = await app.state.gateway.pipeline.run(GraphQLRequest(query, headers=headers or {}))
    return outcome


async def test_hooks_run_in_order_and_can_add_subgraph_headers():
    plugin = Recording()
    outcome = await run([plugin], "{ whoami }", {"authorization": "Bearer t"})
    assert plugin.seen == ["request", "headers:products", "response"]
    assert outcome.response == {"data": {"whoami": "Bearer t|from-plugin"},
                                "extensions": {"seen": 3}}


async def test_a_failing_hook_gives_an_internal_error_without_details():
    outcome = await run([Broken()], "{ whoami }")
    assert outcome.request_error_status == 500
    assert outcome.response == {"errors": [{"message": "Internal gateway error.",
                                            "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}


async def test_subscription_over_a_plain_request_is_refused_clearly():
    outcome = await run([], "subscription { renamed { name } }")
    assert outcome.request_error_status == 400
    assert outcome.response["errors"][0]["extensions"]["code"] == "OPERATION_NOT_SUPPORTED"
