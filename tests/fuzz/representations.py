"""A strategy for federation's ``_Any`` scalar: entity representations, well-formed or not."""

from __future__ import annotations

import graphql
from hypothesis import strategies as st

__all__ = ["representations"]

ENTITY_TYPES = ("User", "Product", "Order", "Payment", "Cart", "Notification")


def _field(name: str, value: graphql.ValueNode) -> graphql.ObjectFieldNode:
    return graphql.ObjectFieldNode(name=graphql.NameNode(value=name), value=value)


def _string(text: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=text)


_ID = st.one_of(st.uuids().map(str), st.text(max_size=40), st.integers().map(str))
_VALUE = st.one_of(_ID.map(_string), st.integers(-(2**31), 2**31 - 1).map(
    lambda n: graphql.IntValueNode(value=str(n))), st.just(graphql.NullValueNode()))


@st.composite
def _representation(draw: st.DrawFn) -> graphql.ObjectValueNode:
    typename = draw(st.one_of(st.sampled_from(ENTITY_TYPES), st.text(max_size=12)))
    # one in ten leaves __typename out (a malformed representation)
    fields = [_field("__typename", _string(typename))] if draw(st.integers(0, 9)) else []
    extra = draw(st.dictionaries(st.sampled_from(["id", "userId", "orderId", "sku", "x"]),
                                 _VALUE, max_size=3))
    fields += [_field(name, value) for name, value in extra.items()]
    return graphql.ObjectValueNode(fields=tuple(fields))


def representations() -> st.SearchStrategy[graphql.ValueNode]:
    """Representations of our entity types (and of unknown ones), keys right, wrong or missing."""
    return _representation()
