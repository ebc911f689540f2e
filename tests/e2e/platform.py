"""Start the whole platform as real processes: broker, every subgraph on PostgreSQL, gateway.

The e2e suites talk to it over HTTP only, as a client would. Each run gets fresh PostgreSQL
databases, its own Redis database namespace and an embedded broker, all on free ports.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from common.auth.keys import ensure_key_file
from infra.dev.keys import users_trust_env
from infra.dev.services import ROOT, domains_present
from streaming.broker import EmbeddedBroker, free_port
from tests.service_trust import generated_keys

__all__ = ["Platform"]

PG_ADMIN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "e2e-" + "x" * 40
_NO_DATABASE = {"cart"}


@dataclass
class Platform:
    """A running platform; ``gateway_url`` is the only thing tests should need."""

    logs: Path
    domains: list[str] = field(default_factory=domains_present)
    ports: dict[str, int] = field(default_factory=dict)
    databases: list[str] = field(default_factory=list)
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    broker: EmbeddedBroker | None = None
    env: dict[str, str] = field(default_factory=dict)
    admin_dsn: str = PG_ADMIN  # the PostgreSQL server the databases are created on
    redis_url: str = REDIS
    extra_env: dict[str, str] = field(default_factory=dict)  # more settings for every process
    # "sqlite": each service on a SQLite file under ``logs``, as ``make dev`` (var/<name>.db)
    database: str = "postgres"
    # seconds each process may take to answer /health at start: generous, as seven processes
    # import at once (tracing instrumentation included) on a loaded 2-core machine
    healthy_within: float = 120.0

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}/graphql"

    def url(self, domain: str) -> str:
        return f"http://127.0.0.1:{self.ports[domain]}/graphql"

    def start(self) -> Platform:
        """Start everything; a failure stops what did start (no orphaned processes)."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Platform:
        self.broker = EmbeddedBroker().start()
        self.ports = {name: free_port() for name in [*self.domains, "gateway"]}
        self.env = env = {**self._env(), **self.extra_env}
        for name in self.domains:
            self._prepare(name, env)
        for name in self.domains:
            self._spawn(name, [f"subgraphs.{name}", "serve", "--port", str(self.ports[name])], env)
        self._spawn("gateway", ["gateway", "serve", "--supergraph",
                                str(ROOT / "schema" / "supergraph.graphql"),
                                "--port", str(self.ports["gateway"])], env)
        for name in [*self.domains, "gateway"]:
            self._wait_healthy(name, self.healthy_within)
        return self

    def stop(self) -> None:
        for child in self.children.values():
            child.terminate()
        for child in self.children.values():
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        if self.broker is not None:
            self.broker.stop()
        asyncio.run(_drop_databases(self.admin_dsn, self.databases))

    def restart(self, name: str, *, within: float = 30.0) -> None:
        """Stop one service and start it again (a crash and a redeploy); healthy ``within``."""
        child = self.children[name]
        child.terminate()
        child.wait(10)
        self._spawn(name, list(child.args[2:]), self.env)  # type: ignore[index]
        self._wait_healthy(name, within)

    def database_dsn(self, name: str) -> str:
        """The plain PostgreSQL DSN of one service's database (for ground-truth reads)."""
        return self.env[f"{name.upper()}_DATABASE_URL"].replace("+asyncpg", "")

    def wait_exited(self, name: str, within: float = 60.0) -> bool:
        """True once ``name`` has exited by itself (e.g. at an armed crash point)."""
        deadline = time.monotonic() + within
        while self.children[name].poll() is None:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def down(self, name: str) -> None:
        """Stop one service and leave it stopped (an outage) until ``up``."""
        child = self.children[name]
        child.terminate()
        child.wait(10)

    def up(self, name: str) -> None:
        """Start a service that ``down`` stopped, and wait until it is healthy."""
        self._spawn(name, list(self.children[name].args[2:]), self.env)  # type: ignore[index]
        self._wait_healthy(name)

    def kill(self, name: str) -> None:
        """SIGKILL one service: no clean shutdown."""
        self.children[name].kill()
        self.children[name].wait(10)

    def _env(self) -> dict[str, str]:
        assert self.broker is not None
        run = uuid.uuid4().hex[:8]
        keys = generated_keys(self.logs / "keys", [*self.domains, "gateway"])
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "ENVIRONMENT": "test",
            "JWT_SECRET": SECRET,
            "REDIS_URL": self.redis_url,
            "CACHE_NAMESPACE": f"e2e-{run}",
            "CART_NAMESPACE": f"e2e-cart-{run}",
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            "KAFKA_SESSION_TIMEOUT_MS": "1000",
            "KAFKA_HEARTBEAT_INTERVAL_MS": "200",
            "GATEWAY_PROPAGATE_HEADERS": '["authorization", "x-cart-id"]',
            "GATEWAY_SUBGRAPH_URLS": _json({d: self.url(d) for d in self.domains}),
            # services authenticate each other, as in production (issue 15)
            "SERVICE_AUTH_REQUIRED": "true",
            "SERVICE_KEYS_DIR": str(keys),
            "GATEWAY_SERVICE_AUTH__KEY_FILE": str(keys / "gateway.key"),
            **self.extra_env,
            # a subgraph restarting on a loaded machine: subscriptions wait for it (issue 17)
            "GATEWAY_SUBSCRIPTIONS__UPSTREAM_RESUME_SECONDS": "120",
            # the catalogue is answered from the gateway's cache while products is down
            "GATEWAY_TRAFFIC__SUBGRAPHS": _json({"products": {"serve_stale_seconds": 600}}),
        }
        if "users" in self.ports:
            env["NOTIFICATIONS_USERS_URL"] = self.url("users")
            if not self.redis_url:  # as make dev: every subgraph asks users for token versions
                env.update(users_trust_env(self.domains))
        env.update(self._identity_env())
        for name in self.domains:
            env[f"{name.upper()}_PRODUCTS_URL"] = self.url("products")
            if "cart" in self.ports:
                env[f"{name.upper()}_CART_URL"] = self.url("cart")
        return env

    def _identity_env(self) -> dict[str, str]:
        """users signs with a key made for this run; everyone else verifies through its JWKS."""
        if "users" not in self.ports:
            return {}
        users = f"http://127.0.0.1:{self.ports['users']}"
        return {
            "USERS_JWT_SIGNING_KEYS": str(ensure_key_file(self.logs / "users-signing-key.pem")),
            "JWKS_URL": f"{users}/.well-known/jwks.json",
            "GATEWAY_AUTH__JWKS_URL": f"{users}/.well-known/jwks.json",
            "GATEWAY_AUTH__ISSUER": "federated-shop/users",
            "GATEWAY_AUTH__AUDIENCE": "federated-shop",
            "GATEWAY_AUTH__TOKEN_VERSIONS_URL": f"{users}/auth/token-versions",
        }

    def _prepare(self, name: str, env: dict[str, str]) -> None:
        if name not in _NO_DATABASE and self.database == "sqlite":
            env[f"{name.upper()}_DATABASE_URL"] = f"sqlite+aiosqlite:///{self.logs / name}.db"
        elif name not in _NO_DATABASE:
            database = f"e2e_{name}_{uuid.uuid4().hex[:8]}"
            asyncio.run(_create_database(self.admin_dsn, database))
            self.databases.append(database)
            base = self.admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
            env[f"{name.upper()}_DATABASE_URL"] = f"{base}/{database}"
        for command in ("migrate", "seed"):
            done = subprocess.run([sys.executable, "-m", f"subgraphs.{name}", command], cwd=ROOT,
                                  env=env, capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                raise RuntimeError(f"{name} {command} failed:\n{done.stderr[-3000:]}")

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.children[name] = subprocess.Popen(
            [sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )

    def _wait_healthy(self, name: str, timeout: float = 120.0) -> None:
        # generous: seven processes import (tracing instrumentation included) at once on a
        # loaded 2-core machine
        url = f"http://127.0.0.1:{self.ports[name]}/health"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.children[name].poll() is not None:
                raise RuntimeError(f"{name} exited: {self._tail(name)}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{name} not healthy in {timeout}s: {self._tail(name)}")

    def _tail(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]


def _json(value: object) -> str:
    return json.dumps(value)


async def _create_database(dsn: str, name: str) -> None:
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _drop_databases(dsn: str, names: list[str]) -> None:
    admin = await asyncpg.connect(dsn)
    try:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
