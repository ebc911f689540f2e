"""Authorization decisions and document filtering, without HTTP."""

from __future__ import annotations

from graphql import parse

from gateway.pipeline.authorize import Authorizer, allowed, remove_fields
from gateway.pipeline.normalise import prepare_operation
from gateway.pipeline.plan import plan_for
from gateway.plan import print_plan
from gateway.supergraph import Access, load_supergraph
from tests.gateway.edge.shop import secure_supergraph


def deny_all(policy, claims):
    return False


def test_filtered_document_never_reuses_the_unfiltered_plan():
    # Regression: the filtered copy kept the source location, so the planner's cache (keyed by
    # source text) served the unfiltered plan and guarded fields were fetched.
    supergraph = load_supergraph(secure_supergraph())
    document = parse('{ product(id: "p1") { name cost } }')
    operation = prepare_operation(supergraph.api_schema, document, None)
    plan_for(supergraph, document, None)
    decision = Authorizer(supergraph).decide(operation, None, deny_all)
    nodes = frozenset().union(*(g.nodes for g in decision.denied))
    printed = print_plan(plan_for(supergraph, remove_fields(document, nodes), None))
    assert "cost" not in printed and "name" in printed


def test_scopes_are_an_or_of_ands():
    access = Access(scopes=(("a", "b"), ("c",)))
    assert allowed(access, {"scope": "a b"}, deny_all)
    assert allowed(access, {"scope": "c"}, deny_all)
    assert not allowed(access, {"scope": "a"}, deny_all)
    assert not allowed(access, None, deny_all)


def test_a_supergraph_without_security_directives_skips_the_walk():
    from tests.gateway.pipeline.shop import shop_supergraph

    assert not Authorizer(load_supergraph(shop_supergraph())).enabled
