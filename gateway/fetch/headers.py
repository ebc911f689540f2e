"""Which client request headers travel on to the subgraphs (Authorization by default)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["HeaderPropagation"]


class HeaderPropagation:
    """Forward only the listed headers (case-insensitive); every other header stays here.

    Hop-by-hop and body headers are never forwarded whatever the list says (RFC 9110 §7.6.1):
    the subgraph request is a new request with its own body.
    """

    _NEVER = frozenset({"host", "content-length", "content-type", "accept", "connection",
                        "transfer-encoding", "keep-alive", "upgrade", "te", "trailer"})

    def __init__(self, names: Iterable[str] = ("authorization",)) -> None:
        self.names = frozenset(n.lower() for n in names) - self._NEVER

    def headers_for(self, subgraph: str, incoming: Mapping[str, str]) -> dict[str, str]:
        """The headers to send to ``subgraph`` for a client request with ``incoming`` headers."""
        return {k.lower(): v for k, v in incoming.items() if k.lower() in self.names}
