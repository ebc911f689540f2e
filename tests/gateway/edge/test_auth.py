"""JWT verification and @authenticated / @requiresScopes / @policy, over real HTTP."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from gateway.plugins import Plugin
from tests.gateway.edge.conftest import SECRET, token

GUARDED = "{ product(id: \"p1\") { name cost secret } }"


def bearer(value: str) -> dict[str, str]:
    return {"authorization": f"Bearer {value}"}


def unsigned(**claims: Any) -> str:
    """An ``alg: none`` token (RFC 7519 §6 unsecured JWT)."""
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'sub': 'x', **claims})}."


def hmac_signed_as_rs256() -> str:
    """Algorithm confusion: an RS256 header over an HMAC made with the shared secret."""
    import hashlib
    import hmac

    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()
    header = part(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = part(json.dumps({"sub": "x", "exp": 9_999_999_999}).encode())
    mac = hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{part(mac)}"


BAD_TOKENS = {
    "forged": token(secret="not-the-gateway-secret-but-long-enough"),
    "expired": token(expires_in=-3600),
    "alg-none": unsigned(exp=9_999_999_999),
    "garbage": "not.a.jwt",
    "hs512-not-accepted": token(alg="HS512"),
    "alg-confusion": hmac_signed_as_rs256(),
}


@pytest.mark.parametrize("bad", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
async def test_bad_token_is_401_unauthenticated(serve, http, bad):
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", headers=bearer(bad),
                                   json={"query": "{ products { id } }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert SECRET not in response.text


async def test_not_a_bearer_scheme_is_401(serve, http):
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql",
                                   headers={"authorization": "Basic dXNlcjpwdw=="},
                                   json={"query": "{ products { id } }"})
    assert response.status_code == 401


async def test_anonymous_caller_gets_the_rest_and_errors_for_guarded_fields(serve, http):
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", json={"query": GUARDED})
    body = response.json()
    assert response.status_code == 200
    assert body["data"] == {"product": {"name": "Product p1", "cost": None, "secret": None}}
    assert {(tuple(e["path"]), e["extensions"]["code"]) for e in body["errors"]} == {
        (("product", "cost"), "UNAUTHORIZED_FIELD_OR_TYPE"),
        (("product", "secret"), "UNAUTHORIZED_FIELD_OR_TYPE"),
    }


async def test_authenticated_caller_sees_authenticated_field_but_unknown_policy_is_denied(
    serve, http
):
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", headers=bearer(token()),
                                   json={"query": GUARDED})
    body = response.json()
    assert body["data"] == {"product": {"name": "Product p1", "cost": 60, "secret": None}}
    assert [e["path"] for e in body["errors"]] == [["product", "secret"]]


class Internal(Plugin):
    def on_policy(self, policy: str, claims: dict[str, Any] | None) -> bool | None:
        return policy == "internal" and bool(claims) and claims.get("team") == "ops"


async def test_policy_hook_approves_the_policy(serve, http):
    async with serve(plugins=[Internal()]) as served:
        ops = await http.post(f"{served.url}/graphql", headers=bearer(token(team="ops")),
                              json={"query": GUARDED})
        other = await http.post(f"{served.url}/graphql", headers=bearer(token(team="x")),
                                json={"query": GUARDED})
    assert ops.json() == {"data": {"product": {"name": "Product p1", "cost": 60,
                                               "secret": "s"}}}
    assert other.json()["data"]["product"]["secret"] is None


async def test_scope_protected_non_null_field_without_the_scope_nulls_its_parent(serve, http):
    query = "{ product(id: \"p1\") { name price } products { id } }"
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql",
                                   headers=bearer(token(scope="read:other")),
                                   json={"query": query})
    body = response.json()
    assert body["data"] == {"product": None, "products": [{"id": "p1"}, {"id": "p2"}]}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["product", "price"], "UNAUTHORIZED_FIELD_OR_TYPE")
    ]


@pytest.mark.parametrize("claims", [{"scope": "openid read:price"}, {"scopes": ["admin"]}],
                         ids=["scope-string", "scopes-list"])
async def test_any_one_of_the_scope_sets_grants_the_field(serve, http, claims):
    query = "{ products { price } }"
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", headers=bearer(token(**claims)),
                                   json={"query": query})
    assert response.json() == {"data": {"products": [{"price": 100}, {"price": 100}]}}


async def test_only_guarded_fields_selected_leaves_an_empty_but_valid_object(serve, http):
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql",
                                   json={"query": "{ products { cost } }"})
    body = response.json()
    assert body["data"] == {"products": [{"cost": None}, {"cost": None}]}
    assert [e["path"] for e in body["errors"]] == [["products", "cost"]]


async def test_guarded_field_inside_a_fragment_is_removed_too(serve, http):
    query = "{ products { ...F } } fragment F on Product { id cost }"
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", json={"query": query})
    assert response.json()["data"] == {"products": [{"id": "p1", "cost": None},
                                                    {"id": "p2", "cost": None}]}


async def test_only_listed_headers_reach_subgraphs(serve, http):
    headers = {**bearer(token()), "x-secret": "s3cr3t", "cookie": "session=1"}
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", headers=headers,
                                   json={"query": "{ headers }"})
    received = dict(p.split("=", 1) for p in response.json()["data"]["headers"].split("|"))
    assert received["authorization"] == headers["authorization"]
    assert received["x-secret"] == ""


@pytest.mark.parametrize("auth", [
    {"jwt_secret": "change-me"},
    {"jwt_secret": "short-secret"},
], ids=["placeholder", "short"])
def test_production_refuses_placeholder_secrets(auth):
    from tests.gateway.edge.conftest import secure_app

    with pytest.raises(ValueError, match="placeholder"):
        secure_app(auth=auth)


async def test_every_root_field_removed_still_answers_with_data_and_errors(serve, http):
    async with serve() as served:
        anonymous = await http.post(f"{served.url}/graphql", json={"query": "{ report }"})
        signed_in = await http.post(f"{served.url}/graphql", headers=bearer(token()),
                                    json={"query": "{ report }"})
    assert anonymous.json()["data"] == {"report": None}
    assert anonymous.json()["errors"][0]["path"] == ["report"]
    assert signed_in.json() == {"data": {"report": "quarterly"}}


async def test_non_null_guarded_field_in_a_non_null_list_nulls_up_to_data(serve, http):
    # products: [Product!]! and price: Int! -> the null reaches the root (spec §6.4.4).
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql",
                                   json={"query": "{ products { id price } }"})
    assert response.json() == {"data": None, "errors": [{
        "message": "Unauthorized field or type", "path": ["products", "price"],
        "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"}}]}
