"""Subgraph clients: pooled HTTP, in-flight deduplication, header propagation."""

from gateway.fetch.client import ClientOptions, SubgraphClient, parse_response
from gateway.fetch.dedup import InFlight
from gateway.fetch.errors import SubgraphFetchError
from gateway.fetch.headers import HeaderPropagation
from gateway.fetch.pool import SubgraphPool

__all__ = [
    "ClientOptions",
    "HeaderPropagation",
    "InFlight",
    "SubgraphClient",
    "SubgraphFetchError",
    "SubgraphPool",
    "parse_response",
]
