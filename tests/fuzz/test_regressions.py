"""Inputs fuzzing found that broke a subgraph, kept as regression tests (run in-process)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

SUBGRAPHS = ["users", "products", "cart", "orders", "payments", "notifications"]
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
MALFORMED: list[Any] = [
    {"orderId": "2bfe7fb8-3b31-9b8b-e311-574cfc914320"},  # no __typename
    {"__typename": "", "orderId": "x"},
    {"__typename": "Notification", "sku": "-Infinity"},  # not an entity of every subgraph
    "just a string",
]


def _schema(subgraph: str) -> Any:
    return importlib.import_module(f"subgraphs.{subgraph}.graphql.schema").schema


@pytest.mark.parametrize("subgraph", SUBGRAPHS)
@pytest.mark.parametrize("representation", MALFORMED, ids=["no-typename", "empty-typename",
                                                           "unknown-typename", "not-an-object"])
async def test_a_malformed_entity_representation_is_bad_user_input_not_a_crash(
    subgraph: str, representation: Any
) -> None:
    # products once built a plain strawberry schema whose _entities raised KeyError on these
    result = await _schema(subgraph).execute(ENTITIES, variable_values={"r": [representation]})
    codes = [(e.extensions or {}).get("code") for e in result.errors or []]
    assert codes == ["BAD_USER_INPUT"], result.errors


def _entity_type(subgraph: str) -> str:
    return _schema(subgraph)._schema.get_type("_Entity").types[0].name


@pytest.mark.parametrize("subgraph", SUBGRAPHS)
@pytest.mark.parametrize("where", ["variable", "literal"])
async def test_a_nul_character_in_any_string_input_is_bad_user_input(
    subgraph: str, where: str
) -> None:
    # users' login with an email holding U+0000 reached PostgreSQL, which refused it: an
    # INTERNAL_SERVER_ERROR; every subgraph now refuses such input before running anything
    representation = {"__typename": _entity_type(subgraph), "id": "k\x00"}
    if where == "variable":
        result = await _schema(subgraph).execute(ENTITIES, variable_values={"r": [representation]})
    else:
        typename = representation["__typename"]
        literal = ('{ _entities(representations: [{__typename: "' + typename
                   + '", id: "k\\u0000"}]) { __typename } }')
        result = await _schema(subgraph).execute(literal)
    codes = [(e.extensions or {}).get("code") for e in result.errors or []]
    assert codes == ["BAD_USER_INPUT"], result.errors
    assert result.data is None


async def test_login_with_a_nul_in_the_email_is_bad_user_input():
    login = 'mutation { login(email: "k\\u0000@example.com", password: "x") { token } }'
    result = await _schema("users").execute(login)
    assert [(e.extensions or {}).get("code") for e in result.errors or []] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("subgraph", SUBGRAPHS)
@pytest.mark.parametrize("fields", [{"orderId": "o", "userId": 5727}, {"id": None},
                                    {"id": "1", "sku": -719}], ids=["other", "null", "extra"])
async def test_a_representation_without_its_key_fields_is_bad_user_input(
    subgraph: str, fields: dict[str, Any]
) -> None:
    # products', orders', payments' and notifications' resolve_reference got orderId/userId/x
    # instead of id (or id null): a TypeError, masked as INTERNAL_SERVER_ERROR
    representation = {"__typename": _entity_type(subgraph), **fields}
    result = await _schema(subgraph).execute(ENTITIES, variable_values={"r": [representation]})
    codes = [(e.extensions or {}).get("code") for e in result.errors or []]
    assert codes == ["BAD_USER_INPUT"], result.errors
