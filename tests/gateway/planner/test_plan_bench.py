"""The federation benchmark's workload plans with few fetches and correct dependencies."""

from __future__ import annotations

from graphql import parse

from gateway.app import build_gateway
from gateway.config import GatewayConfig
from gateway.plan import EntityBatchNode, FetchNode, FlattenNode, ParallelNode, SequenceNode
from gateway.planner import build_plan
from gateway.planner.coalesce import count_fetches
from gateway.planner.operation import normalise
from gateway.plugins import GraphQLRequest
from tests.gateway.planner.planning import BENCH, fetches, plan, supergraph

BENCH_QUERY = (BENCH / "query.graphql").read_text()


def test_bench_query_plans_in_six_requests_one_stage_per_level():
    # given the 4-subgraph benchmark and its 5-level query over users and topProducts
    result = plan("bench", BENCH_QUERY)
    # then one fetch per (subgraph, response path) would be 13; lined up in stages, the fetches
    # to one subgraph share a request across both branches: 6, in 4 rounds as before
    assert count_fetches(result.node) == 6
    assert result.metadata["fetches"] == "6"
    assert isinstance(result.node, SequenceNode) and len(result.node.nodes) == 4
    rounds = [sorted(f.subgraph for f in requests(stage)) for stage in result.node.nodes]
    assert rounds == [["accounts", "products"], ["reviews"], ["accounts", "products"],
                      ["inventory"]]
    # the reviews of users and of top products: one request, each part its own entity type
    batch = result.node.nodes[1]
    assert isinstance(batch, EntityBatchNode)
    assert [part.path for part in batch.parts] == [("users", "@"), ("topProducts", "@")]
    assert [part.node.representations[0].type_name for part in batch.parts] == ["User", "Product"]


def requests(node) -> list:
    if isinstance(node, FetchNode | EntityBatchNode):
        return [node]
    if isinstance(node, FlattenNode):
        return [node.node]
    return [found for child in getattr(node, "nodes", ()) for found in requests(child)]


def test_bench_fetches_of_one_document_share_one_request_across_branches():
    merged = {node.node.subgraph: {".".join(path) for path in node.paths}
              for node in flattens(plan("bench", BENCH_QUERY).node) if node.also}
    product = "users.@.reviews.@.product"
    deep = "users.@.reviews.@.product.reviews.@.author.reviews.@.product"
    top = "topProducts.@.reviews.@.author.reviews.@.product"
    assert merged == {
        "products": {product, deep, top},
        "accounts": {"users.@.reviews.@.product.reviews.@.author",
                     "topProducts.@.reviews.@.author"},
        # topProducts' own stock needs only the root fetch, yet waits for the last round: it
        # joins the request there instead of costing one of its own
        "inventory": {product, deep, "topProducts.@", top},
    }


def test_plans_keep_their_tree_layout_when_stages_would_merge_nothing():
    result = plan("bench", "{ users { reviews { body } } topProducts { inStock } }")
    # the second round asks reviews and inventory: no request saved, so no waiting either
    assert len(fetches(result)) == 4
    assert isinstance(result.node, ParallelNode)


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


def test_without_merging_across_branches_each_branch_keeps_its_own_rounds():
    document = parse(BENCH_QUERY)
    result = build_plan(supergraph("bench"), normalise(document), across_branches=False)
    # the tree layout: users and topProducts each go at their own pace; only the fetches side
    # by side within a branch share requests (products and inventory under users' reviews)
    assert isinstance(result.node, ParallelNode)
    assert count_fetches(result.node) == 11


def test_the_gateway_option_reaches_the_planner():
    sdl = (BENCH / "supergraph.graphql").read_text()
    for merge, requests_made in ((True, 6), (False, 11)):
        gateway = build_gateway(sdl, config=GatewayConfig(merge_requests_across_branches=merge))
        prepared = gateway.pipeline.prepare(GraphQLRequest(query=BENCH_QUERY))
        assert prepared.plan.metadata["fetches"] == str(requests_made)
