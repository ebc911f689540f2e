"""One entity fetch serving several paths (sibling fetches the planner merged): one request,
representations shared across the paths, answers and errors back at every path."""

from __future__ import annotations

import httpx

from gateway.plan import FlattenNode, SequenceNode
from tests.gateway.executor.conftest import SCHEMA
from tests.gateway.executor.harness import Subgraphs, entities, execute, fetch, flatten, key

CHAIR, LAMP, RUG = ({"__typename": "Product", "id": i, "name": n}
                    for i, n in (("p1", "Chair"), ("p2", "Lamp"), ("p3", "Rug")))
QUERY = "{ products { name stock } topProducts { name stock } }"


def _roots(_):
    return {"data": {"products": [CHAIR, LAMP], "topProducts": [dict(LAMP), RUG]}}


def _plan() -> SequenceNode:
    stock = flatten("products.@", "inventory", "Product", (key("id"),), "{ stock }")
    merged = FlattenNode(stock.path, stock.node, (("topProducts", "@"),))
    return SequenceNode((
        fetch("products", "{ products { __typename id name } topProducts { __typename id name } }"),
        merged,
    ))


def _stock(request):
    return {"data": {"_entities": [{"stock": int(rep["id"][1:])} for rep in entities(request)]}}


async def test_merged_fetch_sends_each_entity_once_and_answers_every_path():
    subgraphs = Subgraphs({"products": _roots, "inventory": _stock})
    response = await execute(SCHEMA, QUERY, _plan(), subgraphs)
    assert response == {"data": {
        "products": [{"name": "Chair", "stock": 1}, {"name": "Lamp", "stock": 2}],
        "topProducts": [{"name": "Lamp", "stock": 2}, {"name": "Rug", "stock": 3}],
    }}
    # then one request for both paths, the lamp (at both) sent once
    [request] = subgraphs.requests["inventory"]
    assert entities(request["body"]) == [
        {"__typename": "Product", "id": "p1"}, {"__typename": "Product", "id": "p2"},
        {"__typename": "Product", "id": "p3"},
    ]


async def test_entity_error_of_a_merged_fetch_is_reported_at_each_path_it_came_from():
    def lamp_fails(request):
        reps = entities(request)
        lamp = next(i for i, rep in enumerate(reps) if rep["id"] == "p2")
        answers = [None if i == lamp else {"stock": 1} for i in range(len(reps))]
        return {"data": {"_entities": answers},
                "errors": [{"message": "no stock", "path": ["_entities", lamp, "stock"]}]}

    subgraphs = Subgraphs({"products": _roots, "inventory": lamp_fails})
    response = await execute(SCHEMA, QUERY, _plan(), subgraphs)
    # products is [Product!]!: its null lamp nulls data; the error is kept at both paths
    assert response["data"] is None
    assert sorted(e["path"] for e in response["errors"]) == [
        ["products", 1, "stock"], ["topProducts", 0, "stock"]
    ]


async def test_failed_merged_fetch_nulls_the_objects_of_every_path_with_one_error():
    def down(_):
        raise httpx.ConnectError("connection refused")

    subgraphs = Subgraphs({"products": _roots, "inventory": down})
    response = await execute(SCHEMA, "{ topProducts { name stock } }", _plan(), subgraphs)
    assert response["data"] == {"topProducts": [None, None]}
    [error] = response["errors"]
    assert error["extensions"] == {"code": "SUBGRAPH_FETCH_FAILED", "serviceName": "inventory"}
    assert "path" not in error  # several objects at two paths: no single path to name
