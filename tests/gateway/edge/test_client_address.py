"""The client address comes from X-Forwarded-For only through trusted proxies: for the rate
limit's buckets and in the X-Forwarded-For the subgraphs receive."""

from __future__ import annotations

import pytest

ECHO = {"query": "{ headers }"}


def forwarded(response) -> str:  # type: ignore[no-untyped-def]
    received = dict(p.split("=", 1) for p in response.json()["data"]["headers"].split("|"))
    return received["x-forwarded-for"]


@pytest.mark.parametrize(("trusted", "expected"), [
    ([], "127.0.0.1"),  # an untrusted peer's claim is ignored: the peer is the client
    (["127.0.0.1/32"], "203.0.113.9"),  # the trusted proxy vouches for the hop before it
], ids=["untrusted-peer", "trusted-proxy"])
async def test_subgraphs_receive_the_resolved_client_address(serve, http, trusted, expected):
    # given a gateway with or without the test client's address as a trusted proxy
    async with serve(trusted_proxies=trusted) as served:
        # when a client claims to be 203.0.113.9 (behind a spoofed 198.51.100.1 chain entry)
        response = await http.post(f"{served.url}/graphql", json=ECHO,
                                   headers={"x-forwarded-for": "198.51.100.1, 203.0.113.9"})
    # then the subgraph sees exactly one address: the one the trust rule resolved
    assert forwarded(response) == expected


@pytest.mark.parametrize(("trusted", "second_client_status"), [
    ([], 429),  # one TCP peer: every client behind the proxy shares one bucket
    (["127.0.0.1/32"], 200),  # each forwarded client has its own bucket
], ids=["untrusted-peer", "trusted-proxy"])
async def test_rate_limit_buckets_follow_the_resolved_client(serve, http, trusted,
                                                             second_client_status):
    limit = {"enabled": True, "requests_per_second": 0.1, "burst": 1}
    body = {"query": "{ products { id } }"}
    async with serve(rate_limit=limit, trusted_proxies=trusted) as served:
        url = f"{served.url}/graphql"
        first = await http.post(url, json=body, headers={"x-forwarded-for": "203.0.113.1"})
        again = await http.post(url, json=body, headers={"x-forwarded-for": "203.0.113.1"})
        other = await http.post(url, json=body, headers={"x-forwarded-for": "203.0.113.2"})
    assert (first.status_code, again.status_code) == (200, 429)
    assert other.status_code == second_client_status
