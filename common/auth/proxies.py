"""The client's address: ``X-Forwarded-For`` is believed only as far as trusted proxies vouch.

Walking the chain from the right (the nearest hop) past every trusted proxy, the first address
that is not one is the client (RFC 7239 §5.2 reasoning, applied to X-Forwarded-For); a request
whose direct peer is untrusted is that peer, whatever it claims.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

__all__ = ["TrustedProxies"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """``TrustedProxies("127.0.0.1/32,10.0.0.0/8")``; empty trusts no one."""

    def __init__(self, networks: str | Iterable[str]) -> None:
        items = networks.split(",") if isinstance(networks, str) else list(networks)
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()
        )

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The client address for a request from ``peer`` carrying ``forwarded_for``."""
        hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
        current = peer
        while self.trusts(current) and hops:
            current = hops.pop()
        return current
