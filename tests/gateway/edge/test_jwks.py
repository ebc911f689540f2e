"""RS256 and ES256 tokens checked against keys from a JWKS file or URL."""

from __future__ import annotations

import json
import time

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.gateway.edge.conftest import Served
from tests.strict import require_module

crypto = require_module("cryptography", "RS256/ES256 need the cryptography package")

import jwt  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402

QUERY = {"query": '{ product(id: "p1") { cost } }'}


def keypair(alg: str):
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def jwks_of(private, kid: str) -> dict:
    public = json.loads(jwt.algorithms.get_default_algorithms()[
        "RS256" if isinstance(private, rsa.RSAPrivateKey) else "ES256"
    ].to_jwk(private.public_key()))
    return {"keys": [{**public, "kid": kid, "use": "sig"}]}


def signed(private, alg: str, kid: str, **claims) -> str:
    payload = {"sub": "u", "exp": int(time.time()) + 600, **claims}
    return jwt.encode(payload, private, algorithm=alg, headers={"kid": kid})


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
async def test_token_from_a_jwks_file_is_verified_and_a_foreign_key_refused(
    serve, http, tmp_path, alg
):
    private, stranger = keypair(alg), keypair(alg)
    (tmp_path / "jwks.json").write_text(json.dumps(jwks_of(private, "k1")))
    auth = {"jwks_file": str(tmp_path / "jwks.json")}
    async with serve(auth=auth) as served:
        url = f"{served.url}/graphql"
        good = await http.post(url, json=QUERY, headers={
            "authorization": f"Bearer {signed(private, alg, 'k1')}"})
        forged = await http.post(url, json=QUERY, headers={
            "authorization": f"Bearer {signed(stranger, alg, 'k1')}"})
    assert good.json() == {"data": {"product": {"cost": 60}}}
    assert forged.status_code == 401


async def test_token_from_a_jwks_url_is_verified(serve, http):
    private = keypair("RS256")
    keys = jwks_of(private, "k2")
    issuer = Served(Starlette(routes=[Route("/jwks", lambda _: JSONResponse(keys))]))
    async with issuer:
        async with serve(auth={"jwks_url": f"{issuer.url}/jwks"}) as served:
            response = await http.post(f"{served.url}/graphql", json=QUERY, headers={
                "authorization": f"Bearer {signed(private, 'RS256', 'k2')}"})
    assert response.json() == {"data": {"product": {"cost": 60}}}
