"""Hypothesis strategies over the same builders the seeded corpus uses, so failures shrink."""

from __future__ import annotations

from graphql import GraphQLSchema
from hypothesis import strategies as st

from .choices import DrawnChoices
from .model import GeneratedCase, World
from .operations import GeneratedOperation, build_operation
from .shapes import build_case

__all__ = ["federation_cases", "operations"]


@st.composite
def federation_cases(draw: st.DrawFn, name: str = "h") -> GeneratedCase:
    """A Federation v2 subgraph set (2-4 subgraphs) with its world."""
    return build_case(DrawnChoices(draw), name)


@st.composite
def operations(draw: st.DrawFn, schema: GraphQLSchema, world: World) -> GeneratedOperation:
    """An operation over `schema`'s query type with ids from `world` (validate before use)."""
    return build_operation(DrawnChoices(draw), schema, world)
