# ruff: noqa: E501
"""`@requires` edge cases: required arguments that clash, and field sets with fragments."""

from __future__ import annotations

from gateway.executor.entities import build_batch, objects_at
from gateway.plan import KeyField, KeyFragment
from tests.gateway.planner.planning import fetches, plan, printed


def test_two_fields_requiring_one_field_with_other_arguments_get_a_representation_each():
    # given estimate requires price(currency: "USD"), estimateEur price(currency: "EUR")
    a, usd, eur = fetches(plan("requires_edges", "{ products { estimate estimateEur } }"))
    # then both prices are fetched under their own keys, and each field's representation
    # carries its own as `price` (Federation spec, @requires): two _entities calls
    assert a.operation == '{ products { __typename id price(currency: "USD") weight __internal_price: price(currency: "EUR") } }'
    assert usd.representations is not None and eur.representations is not None
    assert usd.representations[0].fields == (KeyField("id", "id"), KeyField("price", "price"), KeyField("weight", "weight"))
    assert eur.representations[0].fields == (KeyField("id", "id"), KeyField("price", "__internal_price"), KeyField("weight", "weight"))
    assert "estimateEur" not in usd.operation and "estimateEur" in eur.operation


def test_nested_required_fields_with_other_arguments_answer_under_their_own_keys():
    # given two fields require category { averagePrice(currency:) } with other currencies
    text = printed("requires_edges", "{ products { expensiveCategory cheapCategory } }")
    # then the nested fields get their own response keys (not one overwriting the other)
    # and each representation reads its own
    assert (
        text
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { __typename id category { averagePrice(currency: "USD") __internal_averagePrice: averagePrice(currency: "EUR") } } }
    },
    Batch(service: "b") {
      query($r0: [_Any!]!, $r1: [_Any!]!) { _e0: _entities(representations: $r0) { ... on Product { __typename expensiveCategory } } _e1: _entities(representations: $r1) { ... on Product { __typename cheapCategory } } }
      _e0: Flatten(path: "products.@") {
        Fetch(service: "b") {
          ... on Product { id category { averagePrice } }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename expensiveCategory } } }
        }
      },
      _e1: Flatten(path: "products.@") {
        Fetch(service: "b") {
          ... on Product { id category { __internal_averagePrice: averagePrice } }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename cheapCategory } } }
        }
      }
    }
  }
}"""
    )


def test_fields_the_same_arguments_require_share_one_representation():
    fetched = fetches(plan("requires_edges", "{ products { estimate expensiveCategory } }"))
    assert [f.subgraph for f in fetched] == ["a", "b"]


def test_a_requires_with_fragments_reads_each_fragment_for_its_types_only():
    # given packing requires detail { label ... on Sized { size ... on Box { depth } ... on Tube { length } } }
    text = printed("requires_edges", "{ products { packing } }")
    # then the representation keeps the fragments (not every field for every object)
    assert (
        text
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { __typename id detail { __typename label ... on Box { size depth } ... on Tube { size length } } } }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        ... on Product { id detail { label ... on Sized { size ... on Box { depth } ... on Tube { length } } } }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename packing } } }
      }
    }
  }
}"""
    )
    sized = plan("requires_edges", "{ products { packing } }")
    detail = fetches(sized)[1].representations[0].fields[1]  # type: ignore[index]
    assert detail.selections[1] == KeyFragment("Sized", ("Box", "Tube"), (
        KeyField("size", "size"),
        KeyFragment("Box", ("Box",), (KeyField("depth", "depth"),)),
        KeyFragment("Tube", ("Tube",), (KeyField("length", "length"),)),
    ))


def test_every_object_gets_the_representation_its_type_calls_for():
    # given products whose detail is a Box, a Tube, a Secret (no Sized), and none at all
    b = fetches(plan("requires_edges", "{ products { packing } }"))[1]
    tree = {"products": [
        {"__typename": "Product", "id": "p1", "detail": {"__typename": "Box", "label": "box", "size": 3, "depth": 4}},
        {"__typename": "Product", "id": "p2", "detail": {"__typename": "Tube", "label": "tube", "size": 5, "length": 9}},
        {"__typename": "Product", "id": "p3", "detail": {"__typename": "Secret", "label": "secret"}},
        {"__typename": "Product", "id": "p4", "detail": None},
    ]}
    # when the representations are built
    batch = build_batch(objects_at(tree, ("products", "@")), b.representations or ())
    # then every product is sent, each with the fields of the fragments its detail matches
    assert batch.representations == [
        {"__typename": "Product", "id": "p1", "detail": {"label": "box", "size": 3, "depth": 4}},
        {"__typename": "Product", "id": "p2", "detail": {"label": "tube", "size": 5, "length": 9}},
        {"__typename": "Product", "id": "p3", "detail": {"label": "secret"}},
        {"__typename": "Product", "id": "p4", "detail": None},
    ]


def test_an_object_lacking_a_field_its_fragment_requires_is_not_sent():
    b = fetches(plan("requires_edges", "{ products { packing } }"))[1]
    tree = {"products": [{"__typename": "Product", "id": "p1", "detail": {"__typename": "Box", "label": "box", "size": 3}}]}
    assert build_batch(objects_at(tree, ("products", "@")), b.representations or ()).representations == []
