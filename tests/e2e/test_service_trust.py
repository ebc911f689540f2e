"""Over real HTTP: the running subgraphs refuse callers without a service token, while the same
request through the gateway (which holds its key) is answered; users' token-version routes too."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Client
from tests.e2e.platform import Platform

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("subgraph", ["users", "products", "cart", "orders", "payments",
                                      "notifications"])
def test_a_direct_call_to_a_subgraph_is_refused(platform: Platform, subgraph: str) -> None:
    # when a client skips the gateway and calls a subgraph
    response = httpx.post(platform.url(subgraph), json={"query": "{ __typename }"}, timeout=30)
    # then it is refused: 401, UNAUTHENTICATED, no data
    assert response.status_code == 401
    assert "data" not in response.json()
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.timeout(120)
def test_a_forwarded_end_user_token_alone_is_not_a_service_credential(
    platform: Platform, admin: Client
) -> None:
    # given a signed-in admin's own token, sent straight to users
    headers = {"authorization": f"Bearer {admin.token}"}
    response = httpx.post(platform.url("users"), json={"query": "{ me { email } }"},
                          headers=headers, timeout=30)
    # then it does not make the caller a trusted service
    assert response.status_code == 401
    # while the same question through the gateway is answered
    assert admin.data("{ me { email } }") == {"me": {"email": "admin@shop.local"}}


@pytest.mark.timeout(120)
def test_users_token_versions_are_refused_without_a_service_token(
    platform: Platform, admin: Client
) -> None:
    # given the admin's user id, as anyone holding their token could read it
    admin_id = admin.data("{ me { id } }")["me"]["id"]
    users = platform.url("users").removesuffix("/graphql")
    # when a client skipping the gateway asks users for that user's token version, or many
    one = httpx.get(f"{users}/auth/token-versions/{admin_id}", timeout=30)
    many = httpx.post(f"{users}/auth/token-versions", json={"subjects": [admin_id]}, timeout=30)
    # then users refuses both and answers no version
    assert (one.status_code, many.status_code) == (401, 401)
    assert "minimum" not in one.json() and "minimums" not in many.json()
