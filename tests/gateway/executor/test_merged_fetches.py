"""One entity fetch serving several paths (sibling fetches the planner merged): one request,
representations shared across the paths, answers and errors back at every path."""

from __future__ import annotations

import httpx

from gateway.plan import EntityBatchNode, FlattenNode, SequenceNode
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


def down(_):
    raise httpx.ConnectError("connection refused")


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
    subgraphs = Subgraphs({"products": _roots, "inventory": down})
    response = await execute(SCHEMA, "{ topProducts { name stock } }", _plan(), subgraphs)
    assert response["data"] == {"topProducts": [None, None]}
    [error] = response["errors"]
    assert error["extensions"] == {"code": "SUBGRAPH_FETCH_FAILED", "serviceName": "inventory"}
    assert "path" not in error  # several objects at two paths: no single path to name


# One request, several parts: each part its own representations ($r{i}) and answer (_e{i}).

def _batched_plan() -> SequenceNode:
    stock = flatten("products.@", "inventory", "Product", (key("id"),), "{ stock }")
    price = flatten("topProducts.@", "inventory", "Product", (key("id"),), "{ price }")
    operation = ("query($r0: [_Any!]!, $r1: [_Any!]!) { "
                 "_e0: _entities(representations: $r0) { ... on Product { stock } } "
                 "_e1: _entities(representations: $r1) { ... on Product { price } } }")
    return SequenceNode((
        fetch("products", "{ products { __typename id name } topProducts { __typename id name } }"),
        EntityBatchNode("inventory", operation, (stock, price)),
    ))


def _parts(request):
    variables = request["variables"]
    return {
        "_e0": [{"stock": int(rep["id"][1:])} for rep in variables["r0"]],
        "_e1": [{"price": 10 * int(rep["id"][1:])} for rep in variables["r1"]],
    }


BATCH_QUERY = "{ products { name stock } topProducts { name price } }"


async def test_batched_parts_go_in_one_request_and_each_answer_reaches_its_own_paths():
    subgraphs = Subgraphs({"products": _roots, "inventory": lambda r: {"data": _parts(r)}})
    response = await execute(SCHEMA, BATCH_QUERY, _batched_plan(), subgraphs)
    assert response == {"data": {
        "products": [{"name": "Chair", "stock": 1}, {"name": "Lamp", "stock": 2}],
        "topProducts": [{"name": "Lamp", "price": 20}, {"name": "Rug", "price": 30}],
    }}
    [request] = subgraphs.requests["inventory"]
    assert request["body"]["variables"] == {
        "r0": [{"__typename": "Product", "id": "p1"}, {"__typename": "Product", "id": "p2"}],
        "r1": [{"__typename": "Product", "id": "p2"}, {"__typename": "Product", "id": "p3"}],
    }


async def test_an_error_at_one_part_is_reported_at_that_parts_object_only():
    def price_of_rug_fails(request):
        data = _parts(request)
        data["_e1"][1] = None
        return {"data": data, "errors": [
            {"message": "no price", "path": ["_e1", 1, "price"], "extensions": {"code": "X"}}]}

    subgraphs = Subgraphs({"products": _roots, "inventory": price_of_rug_fails})
    response = await execute(SCHEMA, BATCH_QUERY, _batched_plan(), subgraphs)
    assert response["data"]["topProducts"] == [{"name": "Lamp", "price": 20},
                                               {"name": "Rug", "price": None}]
    assert response["data"]["products"][1] == {"name": "Lamp", "stock": 2}
    assert response["errors"] == [{"message": "no price", "path": ["topProducts", 1, "price"],
                                   "extensions": {"code": "X", "serviceName": "inventory"}}]


async def test_a_batch_answered_with_null_data_fails_every_part_with_its_errors_once():
    subgraphs = Subgraphs({"products": _roots, "inventory": lambda _: {
        "data": None, "errors": [{"message": "inventory is read-only today"}]}})
    response = await execute(SCHEMA, "{ topProducts { name price } }", _batched_plan(), subgraphs)
    assert response["data"] == {"topProducts": [{"name": "Lamp", "price": None},
                                                {"name": "Rug", "price": None}]}
    assert [e["message"] for e in response["errors"]] == ["inventory is read-only today"]


async def test_a_batch_that_gets_no_answer_nulls_every_part_with_one_error():
    subgraphs = Subgraphs({"products": _roots, "inventory": down})
    response = await execute(SCHEMA, BATCH_QUERY, _batched_plan(), subgraphs)
    assert response["data"] is None  # products' stock is non-null
    [error] = response["errors"]
    assert error["extensions"] == {"code": "SUBGRAPH_FETCH_FAILED", "serviceName": "inventory"}


async def test_a_part_with_nothing_to_fetch_sends_an_empty_list_and_the_others_still_run():
    def only_products(_):
        return {"data": {"products": [CHAIR], "topProducts": []}}

    subgraphs = Subgraphs({"products": only_products, "inventory": lambda r: {"data": _parts(r)}})
    response = await execute(SCHEMA, BATCH_QUERY, _batched_plan(), subgraphs)
    assert response == {"data": {"products": [{"name": "Chair", "stock": 1}], "topProducts": []}}
    [request] = subgraphs.requests["inventory"]
    assert request["body"]["variables"]["r1"] == []
