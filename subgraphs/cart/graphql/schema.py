"""The cart federation schema (Federation v2, coded errors, no request text in logs)."""

from __future__ import annotations

from subgraphs.cart.graphql.entities import User
from subgraphs.cart.graphql.mutations import Mutation
from subgraphs.cart.graphql.product import Product
from subgraphs.cart.graphql.queries import Query
from subgraphs.kit.schema import federation_schema

__all__ = ["schema"]

schema = federation_schema(query=Query, mutation=Mutation, types=[User, Product])
