"""An HTTP client on a gateway app over the in-process shop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.gateway.pipeline.shop import Shop


@pytest.fixture
def shop() -> Shop:
    return Shop()


@pytest.fixture
async def client(shop: Shop) -> AsyncIterator[httpx.AsyncClient]:
    app = shop.app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        # A non-browser client: the CSRF rule asks it to say so (gateway/http/csrf.py).
        headers = {"apollo-require-preflight": "true"}
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway",
                                     headers=headers) as client:
            yield client
