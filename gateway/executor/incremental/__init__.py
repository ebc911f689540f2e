"""Incremental delivery (``@defer``): one plan, its parts delivered as each completes."""

from gateway.executor.incremental.directives import has_defer, without_incremental
from gateway.executor.incremental.execute import execute_incremental
from gateway.executor.incremental.operation import IncrementalOperation

__all__ = ["IncrementalOperation", "execute_incremental", "has_defer", "without_incremental"]
