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
