"""No body, query text or variables a client sends makes the gateway answer 500 or crash."""

from __future__ import annotations

import asyncio

import httpx
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.gateway.pipeline.shop import Shop

_APP = Shop().app()
_OK = {200, 400, 405, 406, 413, 415}

scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
           | st.floats(allow_nan=False) | st.text(max_size=20))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)
query_text = st.sampled_from([
    "{ products { name stock } }", 'query($id: ID!) { product(id: $id) { name } }',
    "mutation { rename(id: 1, name: 2) { id } }", "{ __schema { types { name } } }",
    "query Q { ...F } fragment F on Query { whoami }", "{", "}}}", "",
]) | st.text(max_size=60)


def _post(body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=_APP)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.post("/graphql", content=body, headers={
                "content-type": "application/json", **(headers or {})})
    return asyncio.run(send())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=80) | json_values.map(orjson.dumps))
def test_arbitrary_bodies_get_a_4xx_or_a_graphql_response(body: bytes):
    response = _post(body)
    assert response.status_code in _OK
    assert "errors" in response.json() or "data" in response.json()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query_text, json_values, st.none() | st.text(max_size=5))
def test_arbitrary_queries_and_variables_never_give_a_500(query, variables, name):
    body = orjson.dumps({"query": query, "variables": variables, "operationName": name})
    response = _post(body, {"accept": "application/graphql-response+json"})
    assert response.status_code in _OK, response.text
