"""``python -m infra.dev migrate|seed|schema [--check]|keys [DIR]|up``: the commands behind the
Makefile (``keys`` writes every process's service key pair, e.g. for compose or Kubernetes)."""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

from common.auth.keys import ensure_key_file
from infra.dev.keys import service_key_env, users_trust_env
from infra.dev.schema import check_schema, write_schema
from infra.dev.services import DOMAINS, ROOT, domains_present, platform_processes
from infra.dev.storefront import NpmMissing, build
from infra.dev.supervisor import Supervisor

USERS = f"http://127.0.0.1:{DOMAINS['users']}"
DEV_KEY = ROOT / "var" / "keys" / "dev-access-token-ed25519.pem"  # kit.identity.DEV_KEY_NAME
# Dev defaults (README); the demo admin's defaults live in subgraphs/users/config.py.
DEV_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
    # Guest carts travel in X-Cart-Id; the gateway forwards only listed headers.
    "GATEWAY_PROPAGATE_HEADERS": '["authorization", "x-cart-id"]',
    # The public catalogue is answered from the gateway's cache (marked stale) if products fails.
    "GATEWAY_TRAFFIC__SUBGRAPHS": '{"products": {"serve_stale_seconds": 600}}',
    # The embedded broker delays a group join by about half the session timeout.
    "KAFKA_SESSION_TIMEOUT_MS": "2000",
    "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
    # It answers a fetch only when its wait ends: 25 ms instead of 100 cut checkout-to-PAID-pushed
    # p95 from 271 to 180 ms for ~100 ms/s more idle CPU (tests/bench/RESULTS.md, issue 17).
    "KAFKA_FETCH_MAX_WAIT_MS": "25",
    "PYTHONUNBUFFERED": "1",
    # users signs access tokens with the dev key (generated under var/keys, never committed);
    # the subgraphs and the gateway verify them through users' JWKS, as in production.
    "USERS_JWT_SIGNING_KEYS": str(DEV_KEY),
    "JWKS_URL": f"{USERS}/.well-known/jwks.json",
    "GATEWAY_AUTH__JWKS_URL": f"{USERS}/.well-known/jwks.json",
    "GATEWAY_AUTH__ISSUER": "federated-shop/users",
    "GATEWAY_AUTH__AUDIENCE": "federated-shop",
    "GATEWAY_AUTH__TOKEN_VERSIONS_URL": f"{USERS}/auth/token-versions",
    # The storefront (:3000) calls the gateway cross-origin, sending only persisted operations:
    # audit mode loads the manifest (and logs, but runs, operations not in it).
    "GATEWAY_CORS__ALLOW_ORIGINS": '["http://127.0.0.1:3000", "http://localhost:3000"]',
    "GATEWAY_CORS__ALLOW_HEADERS": '["content-type", "authorization", "x-cart-id", '
                                   '"apollo-require-preflight", "x-apollo-operation-name", '
                                   '"x-request-id"]',
    "GATEWAY_TRUSTED_DOCUMENTS__MODE": "audit",
}


def _env() -> dict[str, str]:
    ensure_key_file(DEV_KEY)
    keys = service_key_env(ROOT / "var" / "keys", domains_present())
    # The children write into a pipe the supervisor prefixes: on a terminal they are told to
    # write readable coloured lines instead of JSON (common/telemetry/logs.py).
    terminal = {"LOG_FORMAT": "console"} if sys.stdout.isatty() else {}
    trust = users_trust_env(domains_present())  # no Redis: every subgraph asks users
    return {**DEV_ENV, **keys, **trust, **terminal, **os.environ}


def _each_domain(command: str) -> None:
    for name in domains_present():
        print(f"{command}: {name}", flush=True)
        subprocess.run([sys.executable, "-m", f"subgraphs.{name}", command],
                       cwd=ROOT, env=_env(), check=True)


def _build_storefront() -> None:
    """Build the web app when npm is here (only when its sources changed); else say how."""
    try:
        build(quiet=False)
    except NpmMissing as missing:
        print(f"storefront: skipped. {missing}", flush=True)
    except RuntimeError as failed:
        print(f"storefront: build failed, not served.\n{failed}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.dev")
    parser.add_argument("command", choices=["migrate", "seed", "schema", "keys", "up"])
    parser.add_argument("directory", nargs="?", default=str(ROOT / "var" / "keys"),
                        help="keys: where to write them (existing ones are kept)")
    parser.add_argument("--check", action="store_true", help="schema: fail when stale")
    args = parser.parse_args()
    if args.command == "keys":
        service_key_env(Path(args.directory), list(DOMAINS))
        print(f"service keys in {args.directory}")
        return 0
    if args.command == "schema":
        return check_schema() if args.check else (write_schema() or 0)
    if args.command in ("migrate", "seed"):
        _each_domain(args.command)
        return 0
    _each_domain("migrate")
    _each_domain("seed")
    write_schema()
    _build_storefront()
    asyncio.run(Supervisor(platform_processes(), _env()).run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
