"""What checkout asks of cart and products is valid against their real schemas, so the fakes
these tests use cannot drift into shapes the real subgraphs do not serve."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from subgraphs.orders.upstream import CART_SELECTION, PRODUCT_SELECTION
from tests.strict import require_module


def entities_query(typename: str, selection: str) -> str:
    # The query kit.entity_client.EntityClient sends.
    return ("query($r:[_Any!]!){_entities(representations:$r){"
            f"... on {typename} {{ {selection} }}}}}}")


@pytest.mark.parametrize(
    ("module", "typename", "selection"),
    [("subgraphs.cart.graphql.schema", "User", CART_SELECTION),
     ("subgraphs.products.graphql.schema", "Product", PRODUCT_SELECTION)],
    ids=["cart", "products"],
)
def test_checkout_reads_fields_the_real_subgraph_serves(
    module: str, typename: str, selection: str
) -> None:
    schema = require_module(module, "the subgraph checkout reads from is missing").schema
    errors = validate(schema._schema, parse(entities_query(typename, selection)))
    assert [e.message for e in errors] == []
