# ruff: noqa: E501
"""Each fetch's document fits its subgraph's own schema: impossible type conditions are pruned,
fields it could not merge under one response key are aliased and renamed back (GraphQL §5)."""

from __future__ import annotations

from gateway.plan import Rename
from tests.gateway.planner.planning import fetches, plan, printed


def test_fields_of_one_key_with_two_shapes_in_a_subgraph_answer_under_an_alias():
    # given a types User.id `ID!` and Admin.id `ID`; b types User.name `String!`, Admin.name
    # `String` (the supergraph says `ID` and `String` for both)
    text = printed(
        "conflicting_fields",
        "{ accounts { ... on User { id name similar { ... on User { id } ... on Admin { id } } } ... on Admin { id name } } }",
    )
    # then one of each pair answers under an alias, at every level, and the fetch says where
    # each goes back; the merged selections of one key share one alias namespace per level
    assert (
        text
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { accounts { __typename ... on User { id __typename similar { __typename ... on User { id } ... on Admin { __alias_1_id: id } } } ... on Admin { __alias_1_id: id __typename } } }
      renames { accounts { __alias_1_id -> id similar { __alias_1_id -> id } } }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "b") {
        ... on User { id }
        ... on Admin { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { __typename name } ... on Admin { __typename __alias_1_name: name } } }
        renames { __alias_1_name -> name }
      }
    }
  }
}"""
    )


def test_a_key_the_planner_adds_is_aliased_next_to_a_client_field_of_another_shape():
    # given c (office) is reached from a by User's key `id` (ID! in a); the client selects
    # Admin's `id` (ID in a) under the same key
    a, c = fetches(plan("conflicting_fields", "{ accounts { ... on User { office } ... on Admin { id } } }"))
    # then the representation still reads `id`: the alias is renamed back before c runs
    assert a.operation == "{ accounts { __typename ... on User { __typename id } ... on Admin { __alias_1_id: id } } }"
    assert a.renames == (Rename("accounts", "accounts", (Rename("__alias_1_id", "id"),)),)
    assert c.representations is not None and c.representations[0].fields[0].response_key == "id"


def test_the_clients_own_alias_is_the_key_answers_go_back_to():
    a = fetches(plan("conflicting_fields", "{ accounts { ... on User { k: id } ... on Admin { k: id } } }"))[0]
    assert a.operation == "{ accounts { __typename ... on User { k: id } ... on Admin { __alias_1_id: id } } }"
    assert a.renames == (Rename("accounts", "accounts", (Rename("__alias_1_id", "k"),)),)


def test_fields_that_merge_in_the_subgraph_are_left_as_the_client_wrote_them():
    # same shapes (composite lists) under sibling conditions: nothing to alias or rename
    a = fetches(plan("conflicting_fields", "{ accounts { ... on User { similar { __typename } } ... on Admin { similar { __typename } } } }"))[0]
    assert a.operation == "{ accounts { __typename ... on User { similar { __typename } } ... on Admin { similar { __typename } } } }"
    assert a.renames == ()


def test_type_conditions_a_narrower_field_cannot_hold_are_not_sent():
    # given featured is `Media` in the supergraph and b, `Book` in a (which answers it)
    text = printed("narrow_types", "{ featured { title ... on Book { pages } ... on Song { title } } }")
    # then a is never sent `... on Song` under its Book (GraphQL spec 5.5.2.3): the planner
    # plans a's field as the Book it is there, asking __typename for the client's conditions
    assert (
        text
        == """QueryPlan {
  Fetch(service: "a") {
    { featured { title pages __typename } }
  }
}"""
    )


def test_a_variable_used_only_inside_a_pruned_fragment_is_not_declared():
    a = fetches(plan("narrow_types", "query($x: Boolean!) { featured { title ... on Song @include(if: $x) { title } } }"))[0]
    # GraphQL spec 5.8.4: a declared variable must be used
    assert (a.operation, a.variable_usages) == ("{ featured { title __typename } }", ())


def test_a_selection_left_with_only_impossible_fragments_asks_for_typename():
    a = fetches(plan("narrow_types", "{ featured { ... on Song { title } } }"))[0]
    assert a.operation == "{ featured { __typename } }"
