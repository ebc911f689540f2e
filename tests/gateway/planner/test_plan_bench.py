"""The shared benchmark supergraph and query plan with few fetches and correct dependencies."""

from __future__ import annotations

from graphql import parse

from gateway.plan import FlattenNode, SequenceNode
from gateway.planner import build_plan
from gateway.planner.operation import normalise
from tests.gateway.planner.planning import FIXTURES, fetches, plan, supergraph

BENCH_QUERY = (FIXTURES / "bench" / "federation-query.graphql").read_text()


def test_bench_query_plans_in_eleven_fetches():
    # given the 4-subgraph benchmark and its 5-level query over users and topProducts
    result = plan("bench", BENCH_QUERY)
    # then one fetch per (subgraph, response path) that needs one, all lists batched (13), less
    # two: the users branch asks products and inventory the same thing at two paths at once
    assert len(fetches(result)) == 11
    assert result.metadata["fetches"] == "11"


def test_bench_sibling_fetches_of_one_document_share_one_request():
    merged = [node for node in flattens(plan("bench", BENCH_QUERY).node) if node.also]
    assert sorted((node.node.subgraph, node.paths) for node in merged) == [
        ("inventory", (("users", "@", "reviews", "@", "product"),
                       ("users", "@", "reviews", "@", "product", "reviews", "@", "author",
                        "reviews", "@", "product"))),
        ("products", (("users", "@", "reviews", "@", "product"),
                      ("users", "@", "reviews", "@", "product", "reviews", "@", "author",
                       "reviews", "@", "product"))),
    ]


def flattens(node) -> list[FlattenNode]:
    if isinstance(node, FlattenNode):
        return [node]
    return [found for child in getattr(node, "nodes", ()) for found in flattens(child)]


def test_bench_query_fetches_each_subgraph_per_path_once():
    seen = [(f.subgraph, f.operation) for f in fetches(plan("bench", BENCH_QUERY))]
    assert len(set(seen)) == len(seen)


def test_bench_requires_runs_after_the_fetch_that_provides_price_and_weight():
    # shippingEstimate @requires(price weight): inventory must follow products at that path
    result = plan("bench", "{ me { reviews { product { shippingEstimate } } } }")
    assert isinstance(result.node, SequenceNode)
    order = [f.subgraph for f in fetches(result)]
    assert order == ["accounts", "reviews", "products", "inventory"]
    inventory = fetches(result)[-1]
    assert inventory.representations is not None
    assert [k.name for k in inventory.representations[0].fields] == ["upc", "price", "weight"]


def test_bench_plans_are_deterministic():
    # the cache is bypassed: planning twice from scratch gives equal plans
    document = parse(BENCH_QUERY)
    first = build_plan(supergraph("bench"), normalise(document))
    assert build_plan(supergraph("bench"), normalise(document)) == first
