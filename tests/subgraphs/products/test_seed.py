"""The demo catalogue: at least 50 products in several categories, loaded idempotently."""

from __future__ import annotations

from subgraphs.products.seed import CATALOGUE, seed_id
from tests.subgraphs.products.harness import Harness

COUNT = "{ products(first: 100) { totalCount edges { node { id sku category } } } }"


async def test_seeding_twice_loads_the_catalogue_once(app: Harness) -> None:
    # when the catalogue is seeded twice
    first, second = await app.seed(), await app.seed()
    # then the second run adds nothing and the listing holds each product once
    assert (first, second) == (len(CATALOGUE), 0)
    result = await app.gql(COUNT)
    connection = result["data"]["products"]
    assert connection["totalCount"] == len(CATALOGUE) >= 50
    assert len({edge["node"]["category"] for edge in connection["edges"]}) >= 5


async def test_seeded_ids_are_the_same_everywhere(app: Harness) -> None:
    # given a seeded catalogue
    await app.seed()
    # then every id derives from its SKU, so every machine shares them
    result = await app.gql(COUNT)
    for edge in result["data"]["products"]["edges"]:
        assert edge["node"]["id"] == seed_id(edge["node"]["sku"])


async def test_seeding_keeps_products_that_already_exist(app: Harness) -> None:
    # given a catalogue SKU that an admin created (with their own data) before seeding
    mine = await app.create(sku=CATALOGUE[0][0], name="My Own Headphones")
    # when the catalogue is seeded
    added = await app.seed()
    # then the admin's product is untouched and the rest are added
    assert added == len(CATALOGUE) - 1
    result = await app.gql('query($id: ID!) { product(id: $id) { name } }', {"id": mine["id"]})
    assert result["data"]["product"]["name"] == "My Own Headphones"
