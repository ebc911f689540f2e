"""Step 6 (per request): run the plan through the executor with the request's hooks."""

from __future__ import annotations

import logging
from typing import Any

from gateway.executor import ClientOperation, Fetcher, execute_plan
from gateway.pipeline.errors import InternalError
from gateway.plan import QueryPlan
from gateway.plugins import GraphQLRequest, Plugins

__all__ = ["execute_request"]

log = logging.getLogger(__name__)


async def execute_request(
    plan: QueryPlan,
    operation: ClientOperation,
    fetcher: Fetcher,
    variables: dict[str, Any],
    request: GraphQLRequest,
    plugins: Plugins,
    made: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The client's response; an executor bug becomes an INTERNAL_SERVER_ERROR, not a crash.

    ``made``: subgraph headers already asked of the plugins for this request, by subgraph.
    """
    # a plan fetches one subgraph many times: ask once
    made = {} if made is None else dict(made)

    def headers_for(subgraph: str) -> dict[str, str]:
        headers = made.get(subgraph)
        if headers is None:
            headers = made[subgraph] = plugins.subgraph_headers(subgraph, request)
        return headers

    try:
        return await execute_plan(
            plan, operation, fetcher, variables,
            raw_variables=request.variables, headers_for=headers_for,
        )
    except Exception as error:
        log.exception("execution failed")
        raise InternalError("Internal gateway error.") from error
