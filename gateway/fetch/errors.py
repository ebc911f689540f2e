"""Why a subgraph request produced no GraphQL response: the error the executor reports."""

from __future__ import annotations

__all__ = ["SubgraphFetchError"]


class SubgraphFetchError(Exception):
    """A subgraph could not be reached, timed out, or answered with something not GraphQL.

    ``code`` goes to ``extensions.code`` of the client-facing error, ``subgraph`` to
    ``extensions.serviceName``.
    """

    def __init__(self, subgraph: str, message: str, code: str = "SUBGRAPH_FETCH_FAILED",
                 status: int = 0) -> None:
        super().__init__(message)
        self.subgraph = subgraph
        self.message = message
        self.code = code
        self.status = status  # the HTTP status of a refused answer; 0: none came
