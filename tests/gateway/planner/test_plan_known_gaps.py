# ruff: noqa: E501
"""Gaps the planner's first author reported: conditions on hops, internal aliases, merging."""

from __future__ import annotations

import pytest

from gateway.plan import ConditionNode, SequenceNode
from gateway.planner import PlanningError
from gateway.planner.internal import InternalAliases
from tests.gateway.planner.planning import fetches, plan, printed


def test_include_on_a_field_reached_in_two_hops_guards_the_intermediate_hop_too():
    # given weight is reached a -> b (by id) -> c (by sku); b is only a stepping stone
    text = printed("key_chain", "query($x: Boolean!) { products { name weight @include(if: $x) } }")
    # then neither b nor c is asked when $x is false
    assert (
        text
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { name __typename id } }
    },
    Include(if: $x) {
      Sequence {
        Flatten(path: "products.@") {
          Fetch(service: "b") {
            ... on Product { id }
            =>
            query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename sku { code region } } } }
          }
        },
        Flatten(path: "products.@") {
          Fetch(service: "c") {
            ... on Product { sku { code region } }
            =>
            query($representations: [_Any!]!, $x: Boolean!) { _entities(representations: $representations) { ... on Product { __typename weight @include(if: $x) } } }
          }
        }
      }
    } Else {
    }
  }
}"""
    )


def test_skip_on_a_two_hop_field_puts_both_hops_in_the_else_branch():
    plan_ = plan("key_chain", "query($x: Boolean!) { products { name weight @skip(if: $x) } }")
    assert isinstance(plan_.node, SequenceNode)
    condition = plan_.node.nodes[1]
    assert isinstance(condition, ConditionNode) and condition.if_clause is None
    assert [f.subgraph for f in fetches(condition.else_clause)] == ["b", "c"]


def test_an_intermediate_hop_that_also_serves_an_unconditional_field_always_runs():
    # given b resolves nothing the client asked for itself, but two fields lead through it
    plan_ = plan(
        "key_chain",
        "query($x: Boolean!, $y: Boolean!) { products { a: weight @include(if: $x) b: weight @include(if: $y) } }",
    )
    assert isinstance(plan_.node, SequenceNode)
    assert [type(n).__name__ for n in plan_.node.nodes] == [
        "FetchNode",
        "FlattenNode",
        "FlattenNode",
    ]


def test_client_alias_with_the_internal_prefix_makes_the_planner_pick_another_internal_key():
    # given the client itself answers under `__internal_weight` (another field)
    plan_ = plan("requires_args", "{ products { __internal_weight: price weight shipping } }")
    a, b = fetches(plan_)
    # then the @requires input weight(unit: "LB") is read back under a key nobody else uses
    assert (
        a.operation
        == '{ products { __internal_weight: price weight __typename id __internal_2_weight: weight(unit: "LB") } }'
    )
    assert b.representations is not None
    fields = {f.name: f.response_key for f in b.representations[0].fields}
    assert fields == {"id": "id", "weight": "__internal_2_weight"}


def test_client_alias_equal_to_the_executors_typename_alias_is_a_clear_planning_error():
    # given an @interfaceObject graph must answer __typename under the executor's fixed alias
    with pytest.raises(PlanningError, match="'__internal_typename' at topMedia is reserved"):
        plan("interface_object", "{ topMedia { __internal_typename: id reviews } }")


def test_internal_aliases_give_one_key_per_meaning_at_a_path():
    aliases = InternalAliases()
    lb, kg = ("weight", '(unit: "LB")'), ("weight", '(unit: "KG")')
    path = ("products", "@")
    # the first meaning keeps the plain name; another meaning there needs an alias
    assert aliases.allocate(path, "weight", lb, {}) is None
    assert aliases.allocate(path, "weight", kg, {}) == "__internal_weight"
    assert aliases.allocate(path, "weight", kg, {}) == "__internal_weight"
    assert aliases.allocate(path, "weight", lb, {}) is None
    # a client key is never reused, whatever its name
    reserved = {"weight": {("weight", "")}, "__internal_weight": {("price", "")}}
    assert aliases.allocate(("other",), "weight", lb, reserved) == "__internal_2_weight"
    # a field named `typename` never takes the executor's typename alias
    assert aliases.allocate(("x",), "typename", ("typename", ""), {"typename": {("t", "")}}) == (
        "__internal_2_typename"
    )


def test_fetches_to_one_subgraph_at_one_path_from_two_producers_are_merged():
    # given the client asks b for weight (from a), and d.cost requires weight while d is reached
    # only through c (a -> c -> d): the required weight is planned from c, at the same path
    text = printed("merge_paths", "{ products { weight cost } }")
    # then one b fetch serves both; a already supplies its key, so b runs beside c, d after both
    assert (
        text
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { __typename id } }
    },
    Parallel {
      Flatten(path: "products.@") {
        Fetch(service: "b") {
          ... on Product { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename weight } } }
        }
      },
      Flatten(path: "products.@") {
        Fetch(service: "c") {
          ... on Product { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename sku id } } }
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "d") {
        ... on Product { sku weight }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename cost } } }
      }
    }
  }
}"""
    )


def test_a_shared_fetch_first_entered_under_a_condition_waits_for_every_producer():
    # given a supplies b's key only inside `... @include(if: $x)`; c supplies it always
    query = "query($x: Boolean!) { products { ... @include(if: $x) { weight } cost } }"
    plan_ = plan("merge_paths", query)
    # then the one b fetch runs after c too, so it has keys when $x is false
    assert [f.subgraph for f in fetches(plan_)] == ["a", "c", "b", "d"]
    assert isinstance(plan_.node, SequenceNode) and len(plan_.node.nodes) == 4


def test_a_shared_fetch_is_not_merged_into_a_cycle():
    # given a.c requires b, b.b requires a: the second a fetch must stay apart from the first
    assert [f.subgraph for f in fetches(plan("circular_requires", "{ product { c } }"))] == [
        "a",
        "b",
        "a",
    ]


def test_composite_key_is_aliased_whole_when_the_client_uses_its_nested_keys_otherwise():
    # given the client selects sku with `code: region`; c's key needs sku { code region }
    for query in (
        "{ products { sku { code: region } weight } }",
        "{ products { weight sku { code: region } } }",
    ):
        b, c = fetches(plan("key_chain", query))[1:]
        # then b answers the key under its own key, apart from the client's sku
        assert "__internal_sku: sku { code region }" in b.operation
        assert "sku { code: region }" in b.operation
        assert "sku { code: region code" not in b.operation
        assert c.representations is not None
        (sku,) = c.representations[0].fields
        assert (sku.name, sku.response_key) == ("sku", "__internal_sku")


def test_composite_key_shares_the_clients_field_when_nested_keys_agree():
    b = fetches(plan("key_chain", "{ products { sku { code region } weight } }"))[1]
    assert "{ __typename sku { code region } }" in b.operation
