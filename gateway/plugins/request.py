"""A GraphQL request as the pipeline and its plugins see it, whatever the transport."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["GraphQLRequest"]


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    """The four parameters of GraphQL over HTTP §5.1 plus the request headers.

    ``claims`` are the verified JWT claims (None: anonymous), set at the HTTP edge;
    ``document_id`` names a trusted document (GraphQL over HTTP persisted documents).
    """

    query: str
    operation_name: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    claims: dict[str, Any] | None = None
    document_id: str | None = None
