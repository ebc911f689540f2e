"""GraphiQL as HTTP sees it, no browser needed: the page, its own assets, on and off by mode."""

from __future__ import annotations

import httpx


async def test_page_loads_only_the_gateways_own_assets(serve):
    async with serve(graphiql=True) as served, httpx.AsyncClient() as client:
        page = await client.get(f"{served.url}/graphql", headers={"accept": "text/html"})
        asset = await client.get(f"{served.url}/graphiql/graphiql.min.js")
        unknown = await client.get(f"{served.url}/graphiql/..%2Fhttp%2Froutes.py")
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "http://" not in page.text and "https://" not in page.text
    assert asset.status_code == 200 and len(asset.content) > 100_000
    assert unknown.status_code == 404


async def test_graphiql_is_off_in_production_unless_turned_on(serve):
    async with serve() as served, httpx.AsyncClient() as client:
        page = await client.get(f"{served.url}/graphql", headers={"accept": "text/html"})
        asset = await client.get(f"{served.url}/graphiql/graphiql.min.js")
    assert not page.headers["content-type"].startswith("text/html")
    assert asset.status_code == 404


def test_graphiql_defaults_on_in_dev_and_off_in_production():
    from gateway.config import GatewayConfig

    assert GatewayConfig(mode="dev").graphiql
    assert not GatewayConfig(mode="production").graphiql
