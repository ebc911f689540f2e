"""The response has exactly the client's fields: its order, aliases, fragments and __typename."""

from __future__ import annotations

import json

from tests.gateway.executor.conftest import SCHEMA
from tests.gateway.executor.harness import Subgraphs, execute, fetch


def _answer(data):
    return Subgraphs({"products": lambda _: {"data": data}})


async def test_field_order_and_aliases_follow_the_client_not_the_subgraph():
    # given a subgraph answering in another order, with internal fields
    data = {"product": {"__internal_id": "p1", "__typename": "Product", "price": 5, "id": "p1",
                        "n": "Chair"}}
    # when the client asks name (aliased) before id
    response = await execute(SCHEMA, '{ product(id: "p1") { n: name id price } }',
                             fetch("products", "{ product { ... } }"), _answer(data))
    # then exactly its fields, in its order
    assert json.dumps(response) == json.dumps(
        {"data": {"product": {"n": "Chair", "id": "p1", "price": 5}}}
    )


async def test_internal_and_unasked_fields_never_leak():
    data = {"product": {"__internal_id": "p1", "__typename": "Product", "name": "Chair",
                        "secret": "x", "__internal_typename": "Product"}}
    response = await execute(SCHEMA, '{ product(id: "p1") { name } }',
                             fetch("products", "{ product { ... } }"), _answer(data))
    assert response == {"data": {"product": {"name": "Chair"}}}


async def test_same_response_key_selected_twice_is_merged():
    data = {"product": {"name": "Chair", "reviews": [{"id": "r1", "body": "ok"}]}}
    query = '{ product(id: "p1") { reviews { id } name reviews { body } } }'
    response = await execute(SCHEMA, query, fetch("products", "{ ... }"), _answer(data))
    assert response == {"data": {"product": {"reviews": [{"id": "r1", "body": "ok"}],
                                             "name": "Chair"}}}


async def test_fragments_on_abstract_types_apply_by_runtime_typename():
    data = {"search": [
        {"__typename": "Product", "id": "p1", "name": "Chair", "body": "leak?"},
        {"__typename": "Review", "id": "r1", "body": "Great", "name": "leak?"},
    ]}
    query = """
      query { search { __typename ...P ... on Review { body } ... on Node { id } } }
      fragment P on Product { name }
    """
    response = await execute(SCHEMA, query, fetch("products", "{ ... }"), _answer(data))
    assert response == {"data": {"search": [
        {"__typename": "Product", "name": "Chair", "id": "p1"},
        {"__typename": "Review", "body": "Great", "id": "r1"},
    ]}}


async def test_an_object_of_a_type_hidden_from_clients_is_null():
    # given a subgraph answers a field of an interface type with an object whose type is
    # @inaccessible (a subgraph type that is not in the API schema)
    data = {"node": {"__typename": "Voucher", "id": "v1", "code": "secret"}}
    query = 'query { node(id: "v1") { __typename id } }'
    response = await execute(SCHEMA, query, fetch("products", "{ ... }"), _answer(data))
    # then the client sees null in its place, never the hidden type or its fields
    assert response == {"data": {"node": None}}


async def test_typename_is_answered_by_the_gateway_including_aliases_and_root():
    data = {"product": {"name": "Chair"}}
    query = '{ __typename product(id: "p1") { t: __typename name __typename } }'
    response = await execute(SCHEMA, query, fetch("products", "{ ... }"), _answer(data))
    assert response == {"data": {"__typename": "Query", "product": {
        "t": "Product", "name": "Chair", "__typename": "Product"}}}


async def test_unresolvable_runtime_type_of_a_union_is_an_error():
    data = {"search": [{"name": "no typename"}]}
    response = await execute(SCHEMA, "{ search { ... on Product { name } } }",
                             fetch("products", "{ ... }"), _answer(data))
    assert response["data"] is None
    assert response["errors"][0]["path"] == ["search", 0]


async def test_skip_and_include_are_applied_with_the_request_variables():
    data = {"product": {"id": "p1", "name": "Chair", "price": 3}}
    query = """query($yes: Boolean!, $no: Boolean!) { product(id: "p1") {
      id @skip(if: $yes) name @include(if: $yes) price @include(if: $no)
      ... @include(if: $yes) { id } } }"""
    response = await execute(SCHEMA, query, fetch("products", "{ ... }"), _answer(data),
                             variables={"yes": True, "no": False})
    assert response == {"data": {"product": {"name": "Chair", "id": "p1"}}}


async def test_null_in_non_null_field_without_any_error_gets_one():
    data = {"product": {"name": None}}
    response = await execute(SCHEMA, '{ product(id: "p1") { name } }',
                             fetch("products", "{ ... }"), _answer(data))
    assert response == {"data": {"product": None}, "errors": [{
        "message": "Cannot return null for non-nullable field Product.name.",
        "path": ["product", "name"],
    }]}


async def test_introspection_and_data_fields_in_one_operation():
    data = {"product": {"name": "Chair"}}
    query = """{ product(id: "p1") { name }
                 t: __type(name: "Product") { name kind }
                 __schema { queryType { name } } }"""
    response = await execute(SCHEMA, query, fetch("products", "{ ... }"), _answer(data))
    assert response == {"data": {
        "product": {"name": "Chair"},
        "t": {"name": "Product", "kind": "OBJECT"},
        "__schema": {"queryType": {"name": "Query"}},
    }}


async def test_introspection_only_needs_no_plan_node():
    subgraphs = Subgraphs({})
    query = "query Q { ...F } fragment F on Query { __type(name: \"Review\") { fields { name } } }"
    response = await execute(SCHEMA, query, None, subgraphs)
    assert response == {"data": {"__type": {"fields": [
        {"name": "id"}, {"name": "body"}, {"name": "rating"}
    ]}}}


async def test_subgraph_value_of_the_wrong_scalar_type_is_a_field_error():
    data = {"product": {"id": "p1", "name": 5, "price": "cheap"}, "p": {"name": 5}}
    response = await execute(SCHEMA, '{ product(id: "p1") { id price } p: product(id: "p1") '
                             "{ name } }", fetch("products", "{ ... }"), _answer(data))
    assert response["data"] == {"product": {"id": "p1", "price": None}, "p": None}
    assert sorted(e["path"] for e in response["errors"]) == [["p", "name"], ["product", "price"]]


async def test_integral_float_is_accepted_as_int():
    data = {"product": {"price": 3.0}}
    response = await execute(SCHEMA, '{ product(id: "p1") { price } }',
                             fetch("products", "{ ... }"), _answer(data))
    assert response == {"data": {"product": {"price": 3}}}
