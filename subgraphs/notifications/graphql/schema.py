"""The notifications federation schema (Federation v2, coded errors, no request text in logs)."""

from __future__ import annotations

from subgraphs.kit.schema import federation_schema
from subgraphs.notifications.graphql.preferences import Mutation
from subgraphs.notifications.graphql.queries import Query
from subgraphs.notifications.graphql.user import User

__all__ = ["schema"]

schema = federation_schema(query=Query, mutation=Mutation, types=[User])
