"""Ask the shop's supergraph through a gateway app whose subgraphs are one scripted server."""

from __future__ import annotations

from typing import Any

import httpx
from opentelemetry.sdk.trace import TracerProvider

from gateway.app import create_app
from tests.gateway.pipeline.shop import shop_supergraph

__all__ = ["ask_shop"]


async def ask_shop(url: str, provider: TracerProvider | None, query: dict[str, Any],
                   headers: dict[str, str], times: int = 1) -> list[dict[str, Any]]:
    """POST ``query`` ``times`` times; the answers. Every subgraph is at ``url``."""
    app = create_app(shop_supergraph(), tracer_provider=provider,
                     subgraph_urls={"products": url, "inventory": url})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://gateway") as client:
        answers = [(await client.post("/graphql", json=query, headers=headers)).json()
                   for _ in range(times)]
    await app.state.gateway.aclose()
    return answers
