"""The same operation text sent again and again (what the gateway and the cart do) is parsed
and validated once, yet every answer reflects the data at that moment, and an invalid operation
stays invalid however often it is sent."""

from __future__ import annotations

from tests.subgraphs.products.harness import Harness

ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Product { id price { amount currency } stock } } }"""


async def test_a_repeated_entities_query_shows_a_price_change_on_the_next_call(
    app: Harness,
) -> None:
    # given a product the cart keeps asking about with one and the same query text
    product = await app.create(price={"amount": 1000, "currency": "USD"}, stock=5)
    reps = {"r": [{"__typename": "Product", "id": product["id"]}]}
    first = await app.gql(ENTITIES, reps)
    # when an admin changes its price and stock
    changed = await app.gql(
        "mutation($id: ID!) { updateProduct(id: $id, input: {price: {amount: 1250, "
        'currency: "USD"}}) { id } }', {"id": product["id"]}, as_="admin")
    assert "errors" not in changed, changed
    await app.gql("mutation($id: ID!) { adjustStock(productId: $id, delta: -2) { id } }",
                  {"id": product["id"]}, as_="admin")
    second = await app.gql(ENTITIES, reps)
    # then the same query text answers with the new facts
    assert first["data"]["_entities"][0]["price"]["amount"] == 1000
    assert second["data"]["_entities"][0] == {
        "id": product["id"], "price": {"amount": 1250, "currency": "USD"}, "stock": 3}


async def test_an_invalid_query_is_refused_every_time_it_is_sent(app: Harness) -> None:
    for _ in range(3):
        result = await app.gql("{ products(first: 2) { edges { node { noSuchField } } } }")
        assert result.get("data") is None
        assert [e["extensions"]["code"] for e in result["errors"]] == [
            "GRAPHQL_VALIDATION_FAILED"]


async def test_the_same_query_text_with_other_variables_answers_for_those_variables(
    app: Harness,
) -> None:
    a = await app.create(sku="SKU-A", name="Alpha")
    b = await app.create(sku="SKU-B", name="Beta")
    query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } } }'
    names = []
    for product in (a, b, a):
        result = await app.gql(query, {"r": [{"__typename": "Product", "id": product["id"]}]})
        names.append(result["data"]["_entities"][0]["name"])
    assert names == ["Alpha", "Beta", "Alpha"]
