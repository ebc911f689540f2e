# ruff: noqa: E501
"""Plans for everyday operations: grouping, batching, mutations, variables, aliases, conditions."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.plan import SequenceNode
from gateway.planner import PlanningError, QueryPlanner, plan_operation
from tests.gateway.planner.planning import fetches, plan, printed, supergraph


def test_a_list_of_products_with_a_field_from_another_subgraph_is_one_entities_fetch():
    # given a list of products whose orderCount lives in the orders subgraph
    query = "{ products { name orderCount } }"
    # when planned
    result = plan("shop", query)
    # then one root fetch and ONE batched _entities fetch, whatever the list length
    assert [f.subgraph for f in fetches(result)] == ["products", "orders"]
    assert (
        printed("shop", query)
        == """QueryPlan {
  Sequence {
    Fetch(service: "products") {
      { products { name __typename id } }
    },
    Flatten(path: "products.@") {
      Fetch(service: "orders") {
        ... on Product { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename orderCount } } }
      }
    }
  }
}"""
    )


def test_root_fields_of_one_subgraph_share_a_fetch_and_subgraphs_run_in_parallel():
    query = "query Q($first: Int, $id: ID!) { products(first: $first) { name } product(id: $id) { price } me { name } }"
    assert (
        printed("shop", query)
        == """QueryPlan {
  Parallel {
    Fetch(service: "products") {
      query Q__products__0($first: Int, $id: ID!) { products(first: $first) { name } product(id: $id) { price } }
    },
    Fetch(service: "users") {
      query Q__users__1 { me { name } }
    }
  }
}"""
    )


def test_each_fetch_declares_only_the_variables_it_uses():
    query = "query Q($first: Int, $id: ID!) { products(first: $first) { name } me { name } product(id: $id) { name } }"
    by_subgraph = {f.subgraph: f for f in fetches(plan("shop", query))}
    assert by_subgraph["products"].variable_usages == ("first", "id")
    assert by_subgraph["users"].variable_usages == ()
    assert "$id" not in by_subgraph["users"].operation


def test_shareable_field_is_resolved_where_the_parent_is_without_a_jump():
    # Product.name is @shareable in products and orders: no _entities call for it
    result = plan("shop", '{ order(id: "1") { items { name } } }')
    assert [f.subgraph for f in fetches(result)] == ["orders"]


def test_mutations_run_serially_in_document_order_and_entity_fetches_follow_their_field():
    query = """mutation M($e: String!, $n: String!) {
      a: login(email: $e) { id name }
      createProduct(name: $n) { id }
      checkout { total user { email } }
      b: rename(name: $n) { name }
    }"""
    assert (
        printed("shop", query)
        == """QueryPlan {
  Sequence {
    Fetch(service: "users") {
      mutation M__users__0($e: String!) { a: login(email: $e) { id name } }
    },
    Fetch(service: "products") {
      mutation M__products__1($n: String!) { createProduct(name: $n) { id } }
    },
    Fetch(service: "orders") {
      mutation M__orders__2 { checkout { total user { __typename id } } }
    },
    Flatten(path: "checkout.user") {
      Fetch(service: "users") {
        ... on User { id }
        =>
        query M__users__3($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { __typename email } } }
      }
    },
    Fetch(service: "users") {
      mutation M__users__4($n: String!) { b: rename(name: $n) { name } }
    }
  }
}"""
    )


def test_consecutive_mutation_fields_of_one_subgraph_share_a_fetch():
    query = 'mutation { a: login(email: "x") { id } b: rename(name: "y") { id } }'
    result = plan("shop", query)
    assert [f.subgraph for f in fetches(result)] == ["users"]
    assert result.operation_kind == "mutation"


def test_client_alias_on_a_key_field_name_gets_an_internal_alias_for_the_key():
    # the client calls `email` "id": the real id is fetched as __internal_id for the jump
    query = "{ me { id: email orders { total } } }"
    result = plan("shop", query)
    root, entity = fetches(result)
    assert root.operation == "{ me { id: email __typename __internal_id: id } }"
    assert entity.representations is not None
    (rep,) = entity.representations
    assert (rep.type_name, [(k.name, k.response_key) for k in rep.fields]) == (
        "User",
        [("id", "__internal_id")],
    )


def test_swapped_client_aliases_are_kept_verbatim():
    assert (
        printed("shop", "{ me { name: email email: name } }")
        == """QueryPlan {
  Fetch(service: "users") {
    { me { name: email email: name } }
  }
}"""
    )


def test_root_fetch_hanging_on_one_include_variable_becomes_a_condition_node():
    query = "query Q($on: Boolean!) { me @include(if: $on) { name } products { name } }"
    assert (
        printed("shop", query)
        == """QueryPlan {
  Parallel {
    Include(if: $on) {
      Fetch(service: "users") {
        query Q__users__0($on: Boolean!) { me @include(if: $on) { name } }
      }
    } Else {
    },
    Fetch(service: "products") {
      query Q__products__1 { products { name } }
    }
  }
}"""
    )


def test_skip_on_a_root_field_is_the_else_branch():
    query = "query Q($off: Boolean!) { me @skip(if: $off) { name } }"
    node = plan("shop", query).node
    assert node.condition == "off" and node.if_clause is None  # type: ignore[union-attr]
    assert node.else_clause.subgraph == "users"  # type: ignore[union-attr]


def test_nested_skip_stays_in_the_subgraph_document():
    query = "query Q($x: Boolean!) { me { name orders @include(if: $x) { total } } }"
    _, entity = fetches(plan("shop", query))
    assert "orders @include(if: $x) { total }" in entity.operation
    assert entity.variable_usages == ("x",)


def test_root_typename_alone_needs_no_fetch():
    assert printed("shop", "{ __typename }") == "QueryPlan {}"


def test_named_fragments_are_inlined():
    query = "fragment P on Product { name orderCount } query { products { ...P } }"
    assert len(fetches(plan("shop", query))) == 2
    assert fetches(plan("shop", query))[0].operation == "{ products { name __typename id } }"


def test_fragment_with_a_directive_keeps_it_around_its_fields():
    query = "query Q($x: Boolean!) { products { ... @include(if: $x) { name } price } }"
    (root,) = fetches(plan("shop", query))
    assert root.operation == (
        "query Q__products__0($x: Boolean!) { products { ... @include(if: $x) { name } price } }"
    )


def test_the_operation_is_chosen_by_name():
    document = "query A { me { name } } query B { products { name } }"
    assert fetches(plan("shop", document, operation_name="B"))[0].subgraph == "products"


def test_an_unknown_operation_name_is_a_planning_error():
    with pytest.raises(PlanningError):
        plan_operation(supergraph("shop"), parse("query A { me { name } }"), "Nope")


def test_plans_are_cached_per_document_operation_and_labels():
    planner = QueryPlanner(supergraph("shop"), max_size=2)
    document = parse("{ me { name } }")
    first = planner.plan(document)
    assert planner.plan(parse("{ me { name } }")) is first
    assert planner.plan(document, override_labels=frozenset({"x"})) is not first
    planner.plan(parse("{ products { name } }"))
    assert len(planner) == 2


def test_entity_fetch_whose_every_field_hangs_on_one_variable_becomes_a_condition_node():
    query = "query Q($x: Boolean!) { products { name orderCount @include(if: $x) } }"
    assert (
        printed("shop", query)
        == """QueryPlan {
  Sequence {
    Fetch(service: "products") {
      query Q__products__0 { products { name __typename id } }
    },
    Include(if: $x) {
      Flatten(path: "products.@") {
        Fetch(service: "orders") {
          ... on Product { id }
          =>
          query Q__orders__1($representations: [_Any!]!, $x: Boolean!) { _entities(representations: $representations) { ... on Product { __typename orderCount @include(if: $x) } } }
        }
      }
    } Else {
    }
  }
}"""
    )


def test_subscription_is_one_subscription_fetch_then_entity_queries_per_event():
    result = plan("shop", 'subscription S { orderChanged(id: "1") { total user { email } } }')
    assert result.operation_kind == "subscription"
    primary, entity = fetches(result)
    assert (primary.operation_kind, primary.subgraph) == ("subscription", "orders")
    assert (entity.operation_kind, entity.subgraph) == ("query", "users")
    assert isinstance(result.node, SequenceNode)


def test_fragment_condition_is_repeated_in_the_entity_fetch_it_leads_to_and_guards_it():
    # regression: the entity fetch ran (unconditioned) although $x was false
    assert (
        printed(
            "shop",
            "query Q($x: Boolean!) { products { name ... @include(if: $x) { orderCount } } }",
        )
        == """QueryPlan {
  Sequence {
    Fetch(service: "products") {
      query Q__products__0($x: Boolean!) { products { name ... @include(if: $x) { __typename id } } }
    },
    Include(if: $x) {
      Flatten(path: "products.@") {
        Fetch(service: "orders") {
          ... on Product { id }
          =>
          query Q__orders__1($representations: [_Any!]!, $x: Boolean!) { _entities(representations: $representations) { ... on Product { __typename ... @include(if: $x) { orderCount } } } }
        }
      }
    } Else {
    }
  }
}"""
    )


def test_a_newly_loaded_supergraph_starts_with_an_empty_plan_cache():
    from gateway.supergraph import load_supergraph
    from tests.gateway.planner.planning import FIXTURES

    sdl = (FIXTURES / "shop" / "supergraph.graphql").read_text()
    old, new = load_supergraph(sdl), load_supergraph(sdl)
    document = parse("{ me { name } }")
    first = plan_operation(old, document)
    assert plan_operation(old, document) is first
    assert plan_operation(new, document) is not first
    assert plan_operation(new, document) == first
