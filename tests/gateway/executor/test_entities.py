"""Flatten: representations collected at a path, deduplicated, merged back by position."""

from __future__ import annotations

from gateway.plan import SequenceNode
from tests.gateway.executor.conftest import SCHEMA
from tests.gateway.executor.harness import Subgraphs, entities, execute, fetch, flatten, key

PRODUCTS = [
    {"__typename": "Product", "id": "p1", "name": "Chair"},
    {"__typename": "Product", "id": "p2", "name": "Lamp"},
    {"__typename": "Product", "id": "p1", "name": "Chair"},
]
STOCK = {"p1": 3, "p2": 0}


def _inventory(request):
    return {"data": {"_entities": [{"stock": STOCK[r["id"]]} for r in entities(request)]}}


def _plan():
    return SequenceNode((
        fetch("products", "{ products { __typename id name } }"),
        flatten("products.@", "inventory", "Product", (key("id"),), "{ stock }"),
    ))


async def test_one_entities_call_per_flatten_with_identical_representations_sent_once():
    # given three products, two of them the same entity
    subgraphs = Subgraphs({"products": lambda _: {"data": {"products": PRODUCTS}},
                           "inventory": _inventory})
    # when a field of the other subgraph is asked for every product
    response = await execute(SCHEMA, "{ products { name stock } }", _plan(), subgraphs)
    # then inventory is called once with two representations and every product gets its stock
    assert subgraphs.calls("inventory") == 1
    sent = entities(subgraphs.requests["inventory"][0]["body"])
    assert sent == [{"__typename": "Product", "id": "p1"}, {"__typename": "Product", "id": "p2"}]
    assert response == {"data": {"products": [
        {"name": "Chair", "stock": 3}, {"name": "Lamp", "stock": 0}, {"name": "Chair", "stock": 3},
    ]}}


async def test_null_objects_and_objects_without_key_are_not_sent():
    # given a list with a null entry and an entry whose key is missing
    top = [{"__typename": "Product", "id": "p1", "name": "Chair"}, None,
           {"__typename": "Product", "name": "Ghost"}]
    subgraphs = Subgraphs({"products": lambda _: {"data": {"topProducts": top}},
                           "inventory": _inventory})
    plan = SequenceNode((
        fetch("products", "{ topProducts { __typename id name } }"),
        flatten("topProducts.@", "inventory", "Product", (key("id"),), "{ stock }"),
    ))
    # when
    response = await execute(SCHEMA, "{ topProducts { name stock } }", plan, subgraphs)
    # then only p1 is sent; the keyless one is nulled (stock is non-null) with an error
    assert entities(subgraphs.requests["inventory"][0]["body"]) == [
        {"__typename": "Product", "id": "p1"}
    ]
    assert response["data"] == {"topProducts": [{"name": "Chair", "stock": 3}, None, None]}
    assert response["errors"] == [{
        "message": "Cannot return null for non-nullable field Product.stock.",
        "path": ["topProducts", 2, "stock"],
    }]


async def test_no_representations_means_no_entities_call():
    subgraphs = Subgraphs({"products": lambda _: {"data": {"products": []}},
                           "inventory": _inventory})
    response = await execute(SCHEMA, "{ products { name stock } }", _plan(), subgraphs)
    assert subgraphs.calls("inventory") == 0
    assert response == {"data": {"products": []}}


async def test_nested_lists_are_walked_one_at_sign_per_level():
    # given related: [[Product!]!] two levels of lists below products
    related = [[{"__typename": "Product", "id": "p2"}], [{"__typename": "Product", "id": "p1"}]]
    products = [{"__typename": "Product", "id": "p1", "related": related}]
    subgraphs = Subgraphs({"products": lambda _: {"data": {"products": products}},
                           "inventory": _inventory})
    plan = SequenceNode((
        fetch("products", "{ products { related { __typename id } } }"),
        flatten("products.@.related.@.@", "inventory", "Product", (key("id"),), "{ stock }"),
    ))
    # when
    response = await execute(SCHEMA, "{ products { related { stock } } }", plan, subgraphs)
    # then
    assert response == {"data": {"products": [{"related": [[{"stock": 0}], [{"stock": 3}]]}]}}


async def test_compound_and_nested_keys_are_copied_under_their_field_names():
    # given a key `id owner { id }` fetched under internal aliases
    product = {"__typename": "Product", "__internal_id": "p1",
               "owner": {"__internal_uid": "u1", "name": "Ann"}}
    subgraphs = Subgraphs({"products": lambda _: {"data": {"product": product}},
                           "inventory": _inventory})
    keys = (key("id", "__internal_id"), key("owner", "owner", key("uid", "__internal_uid")))
    plan = SequenceNode((
        fetch("products", "{ product(id: 1) { __typename __internal_id: id owner { ... } } }"),
        flatten("product", "inventory", "Product", keys, "{ stock }"),
    ))
    subgraphs.handlers["inventory"] = lambda r: {"data": {"_entities": [{"stock": 7}]}}
    # when
    response = await execute(SCHEMA, '{ product(id: "p1") { stock } }', plan, subgraphs)
    # then the representation uses field names, and nothing internal leaks
    assert entities(subgraphs.requests["inventory"][0]["body"]) == [
        {"__typename": "Product", "id": "p1", "owner": {"uid": "u1"}}
    ]
    assert response == {"data": {"product": {"stock": 7}}}


async def test_an_entities_answer_never_overwrites_the_concrete_typename():
    # given an @interfaceObject subgraph that answers with the interface name
    node = {"__typename": "Product", "id": "p1"}
    subgraphs = Subgraphs({
        "products": lambda _: {"data": {"node": node}},
        "ratings": lambda _: {"data": {"_entities": [{"__typename": "Node", "id": "p1"}]}},
    })
    plan = SequenceNode((
        fetch("products", "{ node(id: 1) { __typename id } }"),
        flatten("node", "ratings", "Product", (key("id"),), "{ __typename id }"),
    ))
    # when
    response = await execute(
        SCHEMA, '{ node(id: "p1") { __typename ... on Product { id } } }', plan, subgraphs
    )
    # then the concrete type stays
    assert response == {"data": {"node": {"__typename": "Product", "id": "p1"}}}


async def test_type_condition_in_a_flatten_path_selects_only_those_objects():
    # given a union list where only products need the other subgraph
    search = [{"__typename": "Product", "id": "p1"}, {"__typename": "Review", "id": "r1"}]
    subgraphs = Subgraphs({"products": lambda _: {"data": {"search": search}},
                           "inventory": _inventory})
    plan = SequenceNode((
        fetch("products", "{ search { __typename ... on Product { id } } }"),
        flatten("search.@.|[Product]", "inventory", "Product", (key("id"),), "{ stock }"),
    ))
    # when
    response = await execute(
        SCHEMA, "{ search { ... on Product { stock } ... on Review { id } } }", plan, subgraphs
    )
    # then only the product is sent
    assert entities(subgraphs.requests["inventory"][0]["body"]) == [
        {"__typename": "Product", "id": "p1"}
    ]
    assert response == {"data": {"search": [{"stock": 3}, {"id": "r1"}]}}


async def test_interface_without_a_concrete_typename_is_shaped_by_its_interface_fields():
    # given an @interfaceObject subgraph that only knows the interface name
    subgraphs = Subgraphs({"products": lambda _: {"data": {"node": {
        "__internal_typename": "Node", "id": "p1"}}}})
    response = await execute(SCHEMA, '{ node(id: "p1") { id } }', fetch("products", "{ ... }"),
                             subgraphs)
    assert response == {"data": {"node": {"id": "p1"}}}
