"""Plan nodes: variables per fetch, conditions, parallel and serial runs, headers, dedup."""

from __future__ import annotations

import asyncio

from gateway.fetch import SubgraphPool
from gateway.plan import ConditionNode, ParallelNode, SequenceNode
from tests.gateway.executor.conftest import SCHEMA
from tests.gateway.executor.harness import Subgraphs, execute, fetch

PRODUCT = {"product": {"name": "Chair"}}


async def test_each_fetch_gets_only_the_variables_its_document_declares():
    subgraphs = Subgraphs({"products": lambda _: {"data": PRODUCT}})
    query = 'query($id: ID!, $unused: Int) { product(id: $id) { name } }'
    await execute(SCHEMA, query, fetch("products", "query($id: ID!) { ... }", "id"),
                  subgraphs, variables={"id": "p1", "unused": 3})
    assert subgraphs.requests["products"][0]["body"]["variables"] == {"id": "p1"}


async def test_condition_runs_the_branch_chosen_by_the_boolean_variable():
    subgraphs = Subgraphs({"a": lambda _: {"data": PRODUCT}, "b": lambda _: {"data": PRODUCT}})
    plan = ConditionNode("go", fetch("a", "{ product { name } }"),
                         fetch("b", "{ product { name } }"))
    query = 'query($go: Boolean!) { product(id: "p1") { name } }'
    await execute(SCHEMA, query, plan, subgraphs, variables={"go": True})
    await execute(SCHEMA, query, plan, subgraphs, variables={"go": False})
    assert (subgraphs.calls("a"), subgraphs.calls("b")) == (1, 1)


async def test_parallel_children_run_concurrently():
    # Proven by overlap, not by wall time: every fetch starts before any of them finishes.
    in_flight, peak = 0, 0

    async def slow(_):
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return {"data": PRODUCT}

    subgraphs = Subgraphs({"a": slow, "b": slow, "c": slow})
    plan = ParallelNode(tuple(fetch(n, "{ product { name } }") for n in "abc"))
    await execute(SCHEMA, '{ product(id: "p1") { name } }', plan, subgraphs)
    assert peak == 3


async def test_sequence_children_run_in_order():
    order = []

    def record(name):
        def handler(_):
            order.append(name)
            return {"data": {"rename": {"name": name}}}
        return handler

    subgraphs = Subgraphs({"a": record("a"), "b": record("b")})
    plan = SequenceNode((fetch("a", "mutation { rename }", kind="mutation"),
                         fetch("b", "mutation { rename }", kind="mutation")))
    await execute(SCHEMA, 'mutation { rename(id: "1", name: "x") { name } }', plan, subgraphs)
    assert order == ["a", "b"]


async def test_request_headers_chosen_by_the_hook_reach_the_subgraph():
    subgraphs = Subgraphs({"products": lambda _: {"data": PRODUCT}})
    await execute(SCHEMA, '{ product(id: "p1") { name } }', fetch("products", "{ ... }"),
                  subgraphs, headers={"authorization": "Bearer t"})
    assert subgraphs.requests["products"][0]["headers"]["authorization"] == "Bearer t"


async def _concurrent_fetches(pool: SubgraphPool, dedupe: bool) -> list[dict]:
    request = {"query": "{ product { name } }", "variables": {}}
    return await asyncio.gather(*(pool.fetch("products", request, {}, dedupe) for _ in range(5)))


async def test_identical_in_flight_queries_are_sent_once_and_each_caller_gets_its_own_copy():
    async def slow(_):
        await asyncio.sleep(0.05)
        return {"data": PRODUCT}

    subgraphs = Subgraphs({"products": slow})
    pool = subgraphs.pool()
    results = await _concurrent_fetches(pool, dedupe=True)
    assert subgraphs.calls("products") == 1
    assert all(r == {"data": PRODUCT} for r in results)
    assert len({id(r) for r in results}) == 5  # no caller can change another's answer


async def test_mutations_are_never_deduplicated():
    subgraphs = Subgraphs({"products": lambda _: {"data": PRODUCT}})
    await _concurrent_fetches(subgraphs.pool(), dedupe=False)
    assert subgraphs.calls("products") == 5


async def test_requests_with_different_headers_are_not_shared():
    async def slow(_):
        await asyncio.sleep(0.05)
        return {"data": PRODUCT}

    subgraphs = Subgraphs({"products": slow})
    pool = subgraphs.pool()
    request = {"query": "{ product { name } }", "variables": {}}
    await asyncio.gather(pool.fetch("products", request, {"authorization": "a"}, True),
                         pool.fetch("products", request, {"authorization": "b"}, True))
    assert subgraphs.calls("products") == 2


async def test_cookies_set_by_a_subgraph_are_never_sent_back():
    import httpx

    def set_cookie(_):
        return httpx.Response(200, json={"data": PRODUCT},
                              headers={"set-cookie": "session=user-a; Path=/"})

    subgraphs = Subgraphs({"products": set_cookie})
    pool = subgraphs.pool()
    request = {"query": "{ product { name } }", "variables": {}}
    await pool.fetch("products", request, {}, False)
    await pool.fetch("products", request, {}, False)
    assert "cookie" not in subgraphs.requests["products"][1]["headers"]
