"""The planner as one short chain: normalise -> walk into fetch groups -> assemble -> QueryPlan.

Plans are cached per supergraph (the cache lives on the Supergraph object, so loading a new
supergraph starts a new cache), keyed by document hash, operation name and override labels.
"""

from __future__ import annotations

import hashlib

from graphql import DocumentNode, print_ast

from common.lru import LRU
from gateway.plan import QueryPlan
from gateway.planner.assemble import assemble
from gateway.planner.coalesce import count_fetches
from gateway.planner.operation import Operation, normalise
from gateway.planner.render import render_fetch
from gateway.planner.resolution import Resolver
from gateway.planner.walker import Walker
from gateway.supergraph import Supergraph

__all__ = ["QueryPlanner", "build_plan", "plan_operation"]


def build_plan(
    supergraph: Supergraph, operation: Operation, labels: frozenset[str] = frozenset(),
    across_branches: bool = True,
) -> QueryPlan:
    """Plan a normalised operation (no caching); ``across_branches``: let independent branches
    wait for each other's rounds when that merges subgraph requests."""
    groups = Walker(_resolver(supergraph, labels), operation).walk()
    node = assemble(
        groups,
        lambda group: render_fetch(group, operation.name, operation.variables, supergraph),
        serial=operation.kind == "mutation",
        across_branches=across_branches,
    )
    return QueryPlan(node, operation.kind,  # type: ignore[arg-type]
                     {"fetches": str(count_fetches(node))})


def _resolver(supergraph: Supergraph, labels: frozenset[str]) -> Resolver:
    """Resolvers memoise per (supergraph, labels); they hold only derived, immutable facts."""
    resolvers = supergraph.cache.setdefault("resolvers", {})
    if labels not in resolvers:
        resolvers[labels] = Resolver(supergraph, labels)
    return resolvers[labels]


class QueryPlanner:
    """An LRU cache of plans in front of the planning chain, for one supergraph."""

    def __init__(self, supergraph: Supergraph, max_size: int = 1024) -> None:
        self.supergraph = supergraph
        self.max_size = max_size
        self._plans: LRU[tuple, QueryPlan] = LRU(max_size)

    def plan(
        self,
        document: DocumentNode,
        operation_name: str | None = None,
        override_labels: frozenset[str] = frozenset(),
        across_branches: bool = True,
    ) -> QueryPlan:
        """The cached plan for this document, operation and enabled override labels."""
        key = (_digest(document), operation_name, frozenset(override_labels), across_branches)
        return self._plans.get_or_make(key, lambda: build_plan(
            self.supergraph, normalise(document, operation_name), frozenset(override_labels),
            across_branches))

    def __len__(self) -> int:
        return len(self._plans)


def _digest(document: DocumentNode) -> str:
    """Hash the source text when the parser kept it (cheap), else the printed document."""
    source = document.loc.source.body if document.loc is not None else print_ast(document)
    return hashlib.sha256(source.encode()).hexdigest()


def plan_operation(
    supergraph: Supergraph,
    document: DocumentNode,
    operation_name: str | None = None,
    override_labels: frozenset[str] = frozenset(),
    across_branches: bool = True,
) -> QueryPlan:
    """Plan a validated operation, through the supergraph's own plan cache."""
    planner = supergraph.cache.get("planner")
    if planner is None:
        planner = supergraph.cache.setdefault("planner", QueryPlanner(supergraph))
    return planner.plan(document, operation_name, override_labels, across_branches)
