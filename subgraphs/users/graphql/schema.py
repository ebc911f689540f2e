"""The users federation schema (Federation v2, coded errors, no request text in logs)."""

from __future__ import annotations

from subgraphs.kit.schema import federation_schema
from subgraphs.users.graphql.entities import User
from subgraphs.users.graphql.mutations import Mutation
from subgraphs.users.graphql.queries import Query

__all__ = ["schema"]

schema = federation_schema(query=Query, mutation=Mutation, types=[User])
