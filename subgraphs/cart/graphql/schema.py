"""The cart federation schema (Federation v2, coded errors, no request text in logs).

Parsed documents and validation results are cached by the kit's schema (``kit.schema``): the
gateway sends the same few documents again and again, and re-validating each one was ~40% of
this subgraph's CPU in the storefront benchmark. Both depend only on the document and the schema
(never on variables or the caller), so a cached answer is the one validation would give again.
"""

from __future__ import annotations

from subgraphs.cart.graphql.entities import User
from subgraphs.cart.graphql.mutations import Mutation
from subgraphs.cart.graphql.product import Product
from subgraphs.cart.graphql.queries import Query
from subgraphs.kit.schema import federation_schema

__all__ = ["schema"]

schema = federation_schema(query=Query, mutation=Mutation, types=[User, Product])
