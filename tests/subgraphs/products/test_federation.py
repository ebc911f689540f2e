"""Federation v2: the SDL carries @key and @shareable; _entities is batched and ordered."""

from __future__ import annotations

import uuid

from tests.subgraphs.products.harness import Harness, count_queries

ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Product { id name price { amount currency } } } }"""


async def test_the_sdl_declares_the_product_key_and_shareable_money(app: Harness) -> None:
    result = await app.gql("{ _service { sdl } }")
    sdl = result["data"]["_service"]["sdl"]
    assert 'type Product @key(fields: "id")' in sdl
    assert "type Money @shareable" in sdl
    assert "federation/v2" in sdl


async def test_entities_come_back_in_input_order_with_null_for_unknown_in_one_query(
    seeded: Harness,
) -> None:
    # given three known products and one unknown id, asked for in a scrambled order
    listing = await seeded.gql("{ products(first: 3, sort: PRICE_ASC) { edges { node { id } } } }")
    ids = [edge["node"]["id"] for edge in listing["data"]["products"]["edges"]]
    wanted = [ids[2], str(uuid.uuid4()), ids[0], ids[1], ids[0]]
    representations = [{"__typename": "Product", "id": pid} for pid in wanted]
    # when the gateway resolves them with a cold cache
    with count_queries(seeded.services.database.engine) as statements:
        result = await seeded.gql(ENTITIES, {"r": representations})
    # then the answers follow the input order, unknown is null, and one SELECT did it all
    entities = result["data"]["_entities"]
    assert [e and e["id"] for e in entities] == [wanted[0], None, wanted[2], wanted[3], wanted[4]]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


async def test_warm_entities_are_served_without_the_database(seeded: Harness) -> None:
    # given products resolved once
    representations = [{"__typename": "Product", "id": "x"}]
    listing = await seeded.gql("{ products(first: 5) { edges { node { id } } } }")
    representations = [{"__typename": "Product", "id": e["node"]["id"]}
                        for e in listing["data"]["products"]["edges"]]
    await seeded.gql(ENTITIES, {"r": representations})
    # when they are resolved again
    with count_queries(seeded.services.database.engine) as statements:
        result = await seeded.gql(ENTITIES, {"r": representations})
    # then the cache answered
    assert all(entity is not None for entity in result["data"]["_entities"])
    assert statements == []


async def test_an_unknown_product_is_null(app: Harness) -> None:
    result = await app.gql('{ product(id: "does-not-exist") { id } }')
    assert result == {"data": {"product": None}}
