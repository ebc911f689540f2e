"""The users federation schema (Federation v2, errors with ``extensions.code``)."""

from __future__ import annotations

import strawberry

from subgraphs.kit.graphql_errors import ErrorCodes
from subgraphs.users.graphql.entities import User
from subgraphs.users.graphql.mutations import Mutation
from subgraphs.users.graphql.queries import Query

__all__ = ["schema"]

schema = strawberry.federation.Schema(
    query=Query, mutation=Mutation, types=[User], extensions=[ErrorCodes]
)
