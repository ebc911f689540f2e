# ruff: noqa: E501
"""Selections no single subgraph delivers: split at the root or at the nearest entity above."""

from __future__ import annotations

import pytest

from gateway.planner import PlanningError
from tests.gateway.planner.planning import printed


def test_a_shareable_root_field_split_across_subgraphs_asks_each_for_its_part():
    # given feed and product are @shareable roots of a and b; Feed and Info are value types
    # whose fields differ per subgraph, and b's Product key is not resolvable
    text = printed("shared_root", "{ feed { title size } product { name price info { color weight } } }")
    # then both root fetches run side by side and their answers merge at the root
    assert text == """QueryPlan {
  Parallel {
    Fetch(service: "a") {
      { feed { title } product { name info { color } } }
    },
    Fetch(service: "b") {
      { feed { size } product { price info { weight } } }
    }
  }
}"""


def test_a_shareable_root_field_whole_in_one_subgraph_is_one_fetch():
    text = printed("shared_root", "{ feed { size } product { price } }")
    assert text == """QueryPlan {
  Fetch(service: "b") {
    { feed { size } product { price } }
  }
}"""


def test_a_value_type_split_across_subgraphs_re_enters_its_entity_parent_by_key():
    # given category (a value type) has name only in a and details only in b, at any depth
    text = printed("parent_reentry", "{ products { category { name details sub { name details } } } }")
    # then b is asked for the Product again, by its key, for the value type's other half
    assert text == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { category { name sub { name } } __typename id } }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        ... on Product { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename category { details sub { details } } } } }
      }
    }
  }
}"""


def test_a_mutation_root_field_is_never_asked_twice(tmp_path):
    # a mutation root field runs once (GraphQL spec §6.2.2): splitting it would run it twice
    from graphql import parse

    from gateway.planner import plan_operation
    from gateway.supergraph import load_supergraph
    from tests.gateway.planner.planning import FIXTURES

    text = (FIXTURES / "shared_root" / "supergraph.graphql").read_text()
    text = text.replace("type Query\n", "type Mutation\n  @join__type(graph: A)\n  @join__type(graph: B)\n{\n  touch: Feed\n}\n\ntype Query\n", 1)
    text = text.replace("  query: Query\n", "  query: Query\n  mutation: Mutation\n", 1)
    graph = load_supergraph(text)
    with pytest.raises(PlanningError):
        plan_operation(graph, parse("mutation { touch { title size } }"))


def test_a_key_whose_fields_live_partly_in_a_third_subgraph_is_assembled_before_the_jump():
    # given c resolves Box by `items { id code }`; a has items { id }, only b has Item.code
    text = printed("key_needs_jump", "{ box { label } }")
    # then b fills in the codes first, and c waits for them
    assert text == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { box { __typename items { id __typename } } }
    },
    Flatten(path: "box.items.@") {
      Fetch(service: "b") {
        ... on Item { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Item { __typename code } } }
      }
    },
    Flatten(path: "box") {
      Fetch(service: "c") {
        ... on Box { items { id code } }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Box { __typename label } } }
      }
    }
  }
}"""


def test_a_field_typed_as_an_object_in_one_subgraph_gets_no_fragment_on_other_members():
    # given desk.pen is the union Item in the supergraph and in b, but the object Pen in a
    text = printed("field_type_differs", "{ desk { pen { __typename ... on Pen { label } ... on Cup { label } ... on Lamp { label } } } }")
    # then a is asked for Pen's fields only: a fragment on Cup or Lamp there would not validate
    assert text == """QueryPlan {
  Fetch(service: "a") {
    { desk { pen { __typename label } } }
  }
}"""


def test_the_rest_of_an_entity_fetch_jumps_from_where_the_fetch_was_entered():
    # given Genre is split between shelf (blurb) and tags (code), whose Book ids are @external
    # (they only receive them), and genres resolves Genre by code
    text = printed("split_from_origin", '{ book(id: "1") { name genre { code title blurb } } }')
    # then shelf and tags are both entered from catalog, side by side; genres follows tags
    assert text == """QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      { book(id: "1") { name __typename id } }
    },
    Parallel {
      Flatten(path: "book") {
        Fetch(service: "shelf") {
          ... on Book { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { __typename genre { blurb } } } }
        }
      },
      Sequence {
        Flatten(path: "book") {
          Fetch(service: "tags") {
            ... on Book { id }
            =>
            query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { __typename genre { code __typename } } } }
          }
        },
        Flatten(path: "book.genre") {
          Fetch(service: "genres") {
            ... on Genre { code }
            =>
            query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Genre { __typename title } } }
          }
        }
      }
    }
  }
}"""


def test_an_interface_field_on_a_shared_root_comes_from_one_subgraph_for_every_type():
    # given Entry.id is @external on Post in a and on User in b: no one subgraph's `entry`
    # delivers `id` whatever the entry turns out to be, and a's Post id must never be read
    with pytest.raises(PlanningError):
        printed("shared_root_interface", '{ entry(id: "1") { id } }')


def test_type_conditions_on_a_shared_root_go_each_to_the_subgraph_that_resolves_them():
    text = printed("shared_root_interface", '{ entry(id: "1") { ... on User { id login } ... on Post { id body } } }')
    assert text == """QueryPlan {
  Parallel {
    Fetch(service: "a") {
      { entry(id: "1") { __typename ... on User { id login } } }
    },
    Fetch(service: "b") {
      { entry(id: "1") { __typename ... on Post { id body } } }
    }
  }
}"""


def test_a_field_taking_an_argument_from_a_context_is_refused_not_answered_without_it():
    # given Cart.total(locale) takes locale from the User above it (@fromContext, join v0.5),
    # which the planner does not plan yet: sending total without it would answer wrongly
    with pytest.raises(PlanningError, match="from a @context"):
        printed("from_context", "{ me { cart { total } } }")
    # the rest of the type still plans
    assert "cart { id }" in printed("from_context", "{ me { cart { id } } }")
