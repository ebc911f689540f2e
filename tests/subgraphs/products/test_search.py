"""Search matches every word in name or description, case-insensitively; category filters."""

from __future__ import annotations

import pytest

from tests.subgraphs.products.harness import Harness

SEARCH = """query($search: String, $category: String) {
  products(first: 100, search: $search, category: $category, sort: NAME_ASC) {
    totalCount edges { node { name category } } } }"""


async def names(app: Harness, search: str | None = None, category: str | None = None) -> list[str]:
    result = await app.gql(SEARCH, {"search": search, "category": category})
    connection = result["data"]["products"]
    assert connection["totalCount"] == len(connection["edges"])
    return [edge["node"]["name"] for edge in connection["edges"]]


async def test_search_is_case_insensitive_over_name_and_description(seeded: Harness) -> None:
    # "wool" is in two names and in three more descriptions
    found = await names(seeded, "WoOl")
    assert found == ["Merino Wool Sweater", "Thermal Socks (3 Pairs)", "Wool Beanie",
                     "Wool Throw Blanket"]


async def test_every_search_word_must_match(seeded: Harness) -> None:
    assert await names(seeded, "wool  socks") == ["Thermal Socks (3 Pairs)"]
    assert await names(seeded, "wool nonexistent") == []


@pytest.mark.parametrize(("search", "expected"), [("%", ["100% Cotton Tote"]),
                                                  ("_", ["snake_case Mug"]),
                                                  ("0%", ["100% Cotton Tote"])])
async def test_like_wildcards_in_a_search_match_literally(
    app: Harness, search: str, expected: list[str]
) -> None:
    # given products whose text holds % and _, and one that holds neither
    await app.create(sku="W-1", name="100% Cotton Tote", description="A bag")
    await app.create(sku="W-2", name="snake_case Mug", description="For coders")
    await app.create(sku="W-3", name="Plain Mug", description="Nothing special")
    # when searching for the wildcard characters themselves
    # then only literal matches come back
    assert await names(app, search) == expected


async def test_category_filter_is_case_insensitive_and_combines_with_search(
    seeded: Harness,
) -> None:
    clothing = await names(seeded, category="clothing")
    assert len(clothing) == 10
    assert await names(seeded, "wool", "Clothing") == [
        "Merino Wool Sweater", "Thermal Socks (3 Pairs)", "Wool Beanie"]
    assert await names(seeded, category="Nope") == []


async def test_an_overlong_search_is_bad_user_input(seeded: Harness) -> None:
    result = await seeded.gql(SEARCH, {"search": "a" * 201})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("arguments", [{"search": "wo\x00ol"}, {"category": "Clo\x00thing"}],
                         ids=["search", "category"])
async def test_a_nul_character_in_a_filter_is_bad_user_input(
    seeded: Harness, arguments: dict[str, str]
) -> None:
    result = await seeded.gql(SEARCH, arguments)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_categories_lists_each_filterable_category_once_alphabetically(app: Harness) -> None:
    # given products in two categories (one spelled in two cases) and one without a category
    await app.create(sku="C-1", name="Tote", category="Home")
    await app.create(sku="C-2", name="Mug", category="home")
    await app.create(sku="C-3", name="Novel", category="Books")
    await app.create(sku="C-4", name="Loose", category=None)
    # when the catalogue's categories are read
    result = await app.gql("{ categories }")
    # then each category comes once, sorted, and each filters to its products
    assert result["data"]["categories"] == ["Books", "Home"]
    assert await names(app, category=result["data"]["categories"][1]) == ["Mug", "Tote"]
