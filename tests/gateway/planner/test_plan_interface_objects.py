# ruff: noqa: E501
"""Plans reaching an `@interfaceObject` graph from a concrete type whose graph lacks the interface."""

from __future__ import annotations

from gateway.plan import Representation
from gateway.plan.printer import print_plan
from tests.gateway.planner.planning import fetches, plan


def test_concrete_type_jumps_straight_to_the_interface_object_graph_with_the_interface_key():
    # given picks knows Book (key id) but not Media; inventory adds Media.stock as an @interfaceObject
    plan_ = plan("interface_object_concrete", "{ pick { title stock } picks { id stock } }")
    # then picks sends the interface's key directly, named Media, for Book objects only, and
    # inventory gets the books of both fields in one request
    assert (
        print_plan(plan_)
        == """QueryPlan {
  Sequence {
    Fetch(service: "picks") {
      { pick { __typename id } picks { id __typename } }
    },
    Parallel {
      Flatten(path: "pick") {
        Fetch(service: "catalog") {
          ... on Book { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { __typename title } } }
        }
      },
      Flatten(paths: ["pick", "picks.@"]) {
        Fetch(service: "inventory") {
          ... on Media { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __internal_typename: __typename stock } } }
        }
      }
    }
  }
}"""
    )
    inventory = [f for f in fetches(plan_) if f.subgraph == "inventory"]
    for fetch in inventory:
        assert fetch.representations is not None
        (rep,) = fetch.representations
        assert (rep.type_name, rep.match_types) == ("Media", ("Book",))
        assert rep.matches("Book") and not rep.matches("Movie")


def test_concrete_type_without_the_interface_key_goes_through_the_interface_owner_first():
    # given shelves knows Book only by isbn: catalog turns isbn into id, then inventory gets Media
    plan_ = plan("interface_object_concrete", "{ byIsbn { stock } }")
    assert (
        print_plan(plan_)
        == """QueryPlan {
  Sequence {
    Fetch(service: "shelves") {
      { byIsbn { __typename isbn } }
    },
    Flatten(path: "byIsbn.@") {
      Fetch(service: "catalog") {
        ... on Book { isbn }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { __typename id } } }
      }
    },
    Flatten(path: "byIsbn.@") {
      Fetch(service: "inventory") {
        ... on Media { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __internal_typename: __typename stock } } }
      }
    }
  }
}"""
    )
    assert fetches(plan_)[2].representations == (
        Representation("Media", fetches(plan_)[2].representations[0].fields, ("Book",)),
    )


def test_one_key_with_other_meanings_per_type_gets_one_interface_object_fetch_per_type():
    # given the client asks `reviews` with other arguments per concrete type; b sees both
    # types as Media, where one key cannot carry both answers
    query = "{ media { ... on Book { reviews(first: 1) } ... on Movie { reviews(first: 2) } } }"
    # then each type's representations go to their own b fetch, so each answer stays its own
    plan_ = plan("interface_object", query)
    _a, book, movie = fetches(plan_)
    assert [r.match_types for r in book.representations or ()] == [("Book",)]
    assert [r.match_types for r in movie.representations or ()] == [("Movie",)]


def test_types_agreeing_on_every_key_share_one_interface_object_fetch():
    plan_ = plan("interface_object", "{ media { ... on Book { reviews } ... on Movie { reviews } } }")
    _a, both = fetches(plan_)
    assert [r.match_types for r in both.representations or ()] == [("Book", "Movie")]
