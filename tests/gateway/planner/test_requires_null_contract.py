"""Planner-executor contract for `@requires`: a required value that is null is still sent.

Federation spec, @requires: the representation carries the required fields as resolved; null is
a value (the subgraph decides what it means), while an object lacking a key value is not sent.
"""

from __future__ import annotations

from graphql import print_schema

from gateway.executor.entities import build_batch, objects_at
from tests.gateway.executor.harness import Subgraphs, entities, execute
from tests.gateway.planner.planning import fetches, plan, supergraph

QUERY = "{ products { cost } }"
WEIGHT = {"p1": None, "p2": 2}


def _cost(request):
    return {
        "data": {
            "_entities": [
                {"__typename": "Product", "cost": (r["weight"] or 0) * 10 + r["size"]}
                for r in entities(request)
            ]
        }
    }


def _subgraphs() -> Subgraphs:
    products = [{"__typename": "Product", "id": "p1"}, {"__typename": "Product", "id": "p2"}]
    return Subgraphs(
        {
            "a": lambda _: {"data": {"products": products}},
            "b": lambda r: {
                "data": {"_entities": [{"weight": WEIGHT[e["id"]]} for e in entities(r)]}
            },
            "c": lambda r: {"data": {"_entities": [{"size": 3} for _ in entities(r)]}},
            "d": _cost,
        }
    )


async def test_a_required_field_that_is_null_is_sent_as_null():
    # given d.cost requires weight (from b) and size (from c); b answers weight null for p1
    plan_ = plan("requires_two", QUERY)
    subgraphs = _subgraphs()
    # when the planned operation runs
    schema = print_schema(supergraph("requires_two").api_schema)
    response = await execute(schema, QUERY, plan_.node, subgraphs)
    # then d receives p1 with weight: null rather than no representation at all
    sent = entities(subgraphs.requests["d"][0]["body"])
    assert sent == [
        {"__typename": "Product", "id": "p1", "weight": None, "size": 3},
        {"__typename": "Product", "id": "p2", "weight": 2, "size": 3},
    ]
    assert response == {"data": {"products": [{"cost": 3}, {"cost": 23}]}}


def test_an_object_that_lacks_a_required_value_is_not_sent():
    # given the planned representation of d and objects where weight was never fetched
    d = fetches(plan("requires_two", QUERY))[-1]
    assert d.representations is not None
    tree = {"products": [{"__typename": "Product", "id": "p1", "size": 3}]}
    tree["products"].append({"__typename": "Product", "id": "p2", "size": 3, "weight": None})
    batch = build_batch(objects_at(tree, ("products", "@")), d.representations)
    assert batch.representations == [
        {"__typename": "Product", "id": "p2", "weight": None, "size": 3}
    ]
