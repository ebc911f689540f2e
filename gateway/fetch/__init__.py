"""Subgraph clients: pooled HTTP, in-flight deduplication, header propagation, circuit
breakers, retries and stale answers, and subscription streams over graphql-transport-ws."""

from gateway.fetch.client import ClientOptions, SubgraphClient, parse_response
from gateway.fetch.credentials import SubgraphCredentials
from gateway.fetch.dedup import InFlight
from gateway.fetch.errors import SubgraphFetchError
from gateway.fetch.guard import FetchPolicy, Guard
from gateway.fetch.headers import HeaderPropagation
from gateway.fetch.pool import SubgraphPool
from gateway.fetch.stale import StaleAnswer, StaleCache
from gateway.fetch.streams import Listener, StreamError, SubscriptionHub

__all__ = [
    "ClientOptions",
    "FetchPolicy",
    "Guard",
    "HeaderPropagation",
    "InFlight",
    "Listener",
    "StaleAnswer",
    "StaleCache",
    "StreamError",
    "SubgraphClient",
    "SubgraphCredentials",
    "SubgraphFetchError",
    "SubgraphPool",
    "SubscriptionHub",
    "parse_response",
]
