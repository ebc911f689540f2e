"""The products federation schema (Federation v2, errors with ``extensions.code``)."""

from __future__ import annotations

import strawberry

from subgraphs.kit.graphql_errors import ErrorCodes
from subgraphs.products.graphql.entities import Product
from subgraphs.products.graphql.mutations import Mutation
from subgraphs.products.graphql.queries import Query

__all__ = ["schema"]

schema = strawberry.federation.Schema(
    query=Query, mutation=Mutation, types=[Product], extensions=[ErrorCodes]
)
