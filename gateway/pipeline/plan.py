"""Step 4: the query plan, from the planner's cache (keyed by document, name and labels)."""

from __future__ import annotations

import logging
import random

from graphql import DocumentNode

from gateway.executor.incremental import without_incremental
from gateway.pipeline.errors import PlanningFailed
from gateway.plan import QueryPlan
from gateway.planner import PlanningError, enabled_labels, override_labels, plan_operation
from gateway.supergraph import Supergraph

__all__ = ["OverrideLabels", "plan_for"]

log = logging.getLogger(__name__)


def plan_for(
    supergraph: Supergraph,
    document: DocumentNode,
    operation_name: str | None,
    override_labels: frozenset[str] = frozenset(),
    across_branches: bool = True,
) -> QueryPlan:
    """Plan a validated operation; a planner failure is a PlanningFailed, never a crash."""
    document = without_incremental(document)  # parts are planned as one operation
    try:
        return plan_operation(supergraph, document, operation_name, override_labels,
                              across_branches)
    except PlanningError as error:
        raise PlanningFailed(f"The operation could not be planned: {error}") from error
    except Exception as error:  # a planner bug must not take the request down with a 500 page
        log.exception("query planning failed")
        raise PlanningFailed("The operation could not be planned.") from error


class OverrideLabels:
    """Progressive ``@override`` labels (Federation v2.7): drawn per request.

    A ``percent(N)`` label is on for N% of requests; any other label only when configured.
    """

    def __init__(self, supergraph: Supergraph, enabled: frozenset[str]) -> None:
        self.labels = override_labels(supergraph)
        self.enabled = enabled & self.labels

    def draw(self) -> frozenset[str]:
        """The labels on for one request (no draw at all when the supergraph has none)."""
        if not self.labels:
            return frozenset()
        return enabled_labels(self.labels, random.random, self.enabled)
