"""How a deferred operation is planned: one plan without ``@defer`` (subgraphs never see it),
and each part waiting only for the fetches that write its fields (compared as printed text)."""

from __future__ import annotations

from graphql import parse

from gateway.executor.incremental import IncrementalOperation
from gateway.executor.incremental.describe import print_parts
from gateway.executor.incremental.fetch_paths import plan_leaves
from gateway.pipeline.normalise import prepare_operation
from gateway.pipeline.plan import plan_for
from gateway.supergraph import load_supergraph
from tests.gateway.harness import case_named

SUPERGRAPH = load_supergraph(case_named("simple-entity-jump").supergraph)
QUERY = ('query($d: Boolean!) { products(first: 2) { name ... @defer(label: "inv") { stock } '
         '... on Product @defer(if: $d) { reviews { rating ... @defer(label: "deep") { body } } '
         '} } }')


def _incremental(query: str) -> IncrementalOperation:
    document = parse(query)
    plan = plan_for(SUPERGRAPH, document, None, frozenset(), False)
    return IncrementalOperation(prepare_operation(SUPERGRAPH.api_schema, document, None), plan)


def test_subgraphs_never_receive_defer() -> None:
    incremental = _incremental(QUERY)
    operations = [getattr(leaf, "node", leaf).operation for leaf in
                  plan_leaves(incremental.plan.node)]
    assert len(operations) == 3 and not any("@defer" in op for op in operations)


def test_each_part_waits_only_for_the_fetches_writing_its_fields() -> None:
    assert print_parts(_incremental(QUERY), {"d": True}) == "\n".join([
        "Deferred {",
        "  Primary waits for [0:products]",
        '  #1 Deferred(label: "inv", path: "products", parent: 0) waits for [1:inventory]',
        '  #2 Deferred(path: "products", parent: 0, on: Product) waits for [2:reviews]',
        '  #3 Deferred(label: "deep", path: "products.reviews", parent: 2) waits for [2:reviews]',
        "}",
    ])


def test_defer_if_false_folds_the_fragment_into_its_parent() -> None:
    # with $d false the reviews are part of the primary part, which then waits for them
    assert print_parts(_incremental(QUERY), {"d": False}) == "\n".join([
        "Deferred {",
        "  Primary waits for [0:products, 2:reviews]",
        '  #1 Deferred(label: "inv", path: "products", parent: 0) waits for [1:inventory]',
        '  #2 Deferred(label: "deep", path: "products.reviews", parent: 0) waits for [2:reviews]',
        "}",
    ])


def test_a_streamed_list_is_printed_with_its_initial_count() -> None:
    query = '{ topReviews @stream(initialCount: 2, label: "top") { body } }'
    assert print_parts(_incremental(query), {}) == "\n".join([
        "Deferred {",
        "  Primary waits for [0:reviews]",
        '  #1 Stream(label: "top", path: "topReviews", initialCount: 2, parent: 0)',
        "}",
    ])
