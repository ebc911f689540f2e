"""The subgraphs' production profile: unsafe settings refused by name, debugging aids off,
no demo accounts (issue 15, part 3)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from common.auth.keys import ensure_key_file
from common.auth.service_keys import load_private_key
from common.auth.service_tokens import SERVICE_TOKEN_HEADER, ServiceTokenIssuer
from subgraphs.kit.database import Database
from subgraphs.kit.migrations import upgrade_async
from subgraphs.kit.settings import DEV_JWT_SECRET, load_settings
from subgraphs.payments.config import PaymentsSettings
from subgraphs.users.config import MIGRATIONS_DIR, UsersSettings
from subgraphs.users.seed import seed
from tests.service_trust import generated_keys
from tests.subgraphs.users.harness import open_harness

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-production-jwt-secret-of-at-least-32-characters"
SAFE = {"environment": "production", "jwt_secret": SECRET, "service_auth_required": True,
        "allow_sandbox_in_production": True, "database_url": "sqlite+aiosqlite://"}


def k8s_example_secret() -> str:
    found = re.search(r"JWT_SECRET:\s*(\S+)", (ROOT / "infra/k8s/secrets.example.yaml").read_text())
    assert found is not None
    return found.group(1)


def test_the_safe_production_settings_start() -> None:
    assert load_settings(PaymentsSettings, "payments", **SAFE).environment == "production"


@pytest.mark.parametrize(
    ("unsafe", "named"),
    [
        ({"jwt_secret": DEV_JWT_SECRET}, "JWT_SECRET"),
        ({"jwt_secret": k8s_example_secret()}, "JWT_SECRET"),
        ({"service_auth_required": False}, "SERVICE_AUTH_REQUIRED=false"),
        ({"allow_sandbox_in_production": False}, "PAYMENT_PROVIDER=sandbox"),
    ],
    ids=["dev-jwt-secret", "k8s-example-secret", "service-auth-off", "sandbox-payments"],
)
def test_each_unsafe_setting_is_refused_by_name(unsafe: dict[str, Any], named: str) -> None:
    with pytest.raises(ValidationError) as refused:
        load_settings(PaymentsSettings, "payments", **(SAFE | unsafe))
    assert named in str(refused.value)


async def test_a_production_subgraph_serves_neither_graphiql_nor_introspection(
    sqlite_url: str, tmp_path: Path
) -> None:
    # given the users subgraph in production, and the gateway's credential
    keys = generated_keys(tmp_path / "keys", ["gateway", "notifications"])
    gateway = ServiceTokenIssuer("gateway", load_private_key(keys / "gateway.key"))
    headers = {SERVICE_TOKEN_HEADER: gateway.token_for("users")}
    signing = ensure_key_file(tmp_path / "users-signing.pem")
    async with open_harness(sqlite_url, environment="production", jwt_secret=SECRET,
                            service_auth_required=True, service_keys_dir=keys,
                            jwt_signing_keys=str(signing),
                            admin_password="a-real-admin-password-1") as users:
        # when a browser asks for GraphiQL and a caller for the schema
        page = await users.client.get("/graphql", headers={**headers, "accept": "text/html"})
        schema = await users.client.post(
            "/graphql", json={"query": "{ __schema { types { name } } }"}, headers=headers)
        sdl = await users.client.post(
            "/graphql", json={"query": "{ _service { sdl } }"}, headers=headers)
    # then neither is served; federation's _service still is (the gateway composes with it)
    assert "graphiql" not in page.text.lower()
    assert "introspection" in str(schema.json()["errors"]).lower()
    assert "type User" in sdl.json()["data"]["_service"]["sdl"]


async def test_production_seeds_the_admin_and_no_demo_customers(
    sqlite_url: str, tmp_path: Path
) -> None:
    # given a migrated production users database with a real admin password
    await upgrade_async(MIGRATIONS_DIR, sqlite_url)
    settings = load_settings(UsersSettings, "users", database_url=sqlite_url, bcrypt_rounds=4,
                             environment="production", jwt_secret=SECRET,
                             service_auth_required=True, admin_password="a-real-admin-pw-1",
                             jwt_signing_keys=str(ensure_key_file(tmp_path / "signing.pem")))
    # when the seed runs
    await seed(settings)
    # then only the admin exists: the demo customers' password is published
    database = Database(sqlite_url)
    try:
        async with database.engine.connect() as conn:
            emails = (await conn.execute(text("SELECT email FROM users"))).scalars().all()
    finally:
        await database.dispose()
    assert emails == [settings.admin_email]
