"""The production profile (``environment: production``, from ENVIRONMENT): safe defaults, and
unsafe settings refused.

In production, options left unset take their safe value (introspection and GraphiQL off,
trusted documents enforced, a cost limit, rate limiting on, CORS for named origins only); an
unsafe value set explicitly
stops the start with a message naming the option, so a production gateway cannot quietly run
with a debugging setting (issue 15, part 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.config import GatewayConfig

__all__ = ["PRODUCTION_MAX_COST", "production_defaults", "production_refusals"]

PRODUCTION_MAX_COST = 5_000


def production_defaults(config: GatewayConfig) -> dict[str, Any]:
    """Safe values for the options (and sections) that were not set explicitly."""
    chosen = config.model_fields_set
    updates: dict[str, Any] = {} if "mode" in chosen else {"mode": "production"}
    for option in ("introspection", "graphiql", "expose_query_plan"):
        if option not in chosen:
            updates[option] = False
    if "mode" not in config.trusted_documents.model_fields_set:
        updates["trusted_documents"] = config.trusted_documents.model_copy(
            update={"mode": "safelist"})
    if "max_cost" not in config.cost.model_fields_set:
        updates["cost"] = config.cost.model_copy(update={"max_cost": PRODUCTION_MAX_COST})
    if "enabled" not in config.rate_limit.model_fields_set:
        updates["rate_limit"] = config.rate_limit.model_copy(update={"enabled": True})
    return updates


def production_refusals(config: GatewayConfig) -> list[str]:
    """Why ``config`` may not run in production mode (empty: it may)."""
    refused = []
    if config.mode != "production":
        refused.append("mode=dev: debugging aids are for development")
    if config.introspection:
        refused.append("introspection=true: the schema would be readable by anyone")
    if config.graphiql:
        refused.append("graphiql=true: GraphiQL is a development tool")
    if config.expose_query_plan:
        refused.append("expose_query_plan=true: query plans reveal the subgraphs")
    trusted = config.trusted_documents
    if trusted.mode != "safelist" and not trusted.allow_ad_hoc_queries:
        refused.append(f"trusted_documents.mode={trusted.mode}: only manifest operations may "
                       "run (set trusted_documents.allow_ad_hoc_queries=true for a gateway "
                       "serving tools)")
    if config.cost.max_cost <= 0:
        refused.append("cost.max_cost=0: every operation needs a cost limit")
    if not config.rate_limit.enabled:
        refused.append("rate_limit.enabled=false: clients need a rate limit")
    if "*" in config.cors.allow_origins:
        refused.append("cors.allow_origins=*: name the origins that serve the storefront")
    if not config.service_auth.key_file:
        refused.append("service_auth.key_file is empty: subgraphs accept only authenticated "
                       "callers")
    return refused
