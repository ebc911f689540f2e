"""Interpret a QueryPlan against the subgraphs and shape the client's response."""

from gateway.executor.execute import execute_plan
from gateway.executor.operation import ClientOperation
from gateway.executor.state import Execution, Fetcher

__all__ = ["ClientOperation", "Execution", "Fetcher", "execute_plan"]
