"""Interpret a QueryPlan against the subgraphs and shape the client's response."""

from gateway.executor.execute import execute_plan
from gateway.executor.operation import ClientOperation
from gateway.executor.state import Execution, Fetcher
from gateway.executor.subscription import Streamer, SubscriptionFailed, run_subscription

__all__ = [
    "ClientOperation",
    "Execution",
    "Fetcher",
    "Streamer",
    "SubscriptionFailed",
    "execute_plan",
    "run_subscription",
]
