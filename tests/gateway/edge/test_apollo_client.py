"""Apollo Client's persisted-queries link (npm @apollo/client) against the gateway over HTTP."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.strict import require, skip_or_fail

CLIENT = Path(__file__).parent / "apollo_client"
NODE, NPM = shutil.which("node"), shutil.which("npm")

@pytest.fixture(scope="module")
def apollo_client() -> Path:
    """The npm packages of ``apollo_client/``, installed from its lock file when missing
    (skipped without node/npm, failed in CI: tests/strict.py)."""
    require(NODE is not None and NPM is not None, "node/npm not installed")
    if not (CLIENT / "node_modules" / "@apollo" / "client").is_dir():
        result = subprocess.run([NPM, "ci", "--silent", "--no-audit", "--no-fund"], cwd=CLIENT,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            skip_or_fail(f"npm ci failed: {result.stderr[-500:]}")
    return CLIENT / "apq.mjs"


async def test_apollo_client_registers_once_then_queries_by_hash_over_get(serve, apollo_client):
    async with serve() as served:
        process = await asyncio.create_subprocess_exec(
            NODE, str(apollo_client), f"{served.url}/graphql",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    report = json.loads(stdout)
    # Round 1: hash-only GET -> PERSISTED_QUERY_NOT_FOUND -> POST with the text.
    # Round 2 (a new client, so nothing cached in it): hash-only GET is served.
    assert report["sent"] == [{"method": "GET", "hasQuery": False},
                              {"method": "POST", "hasQuery": True},
                              {"method": "GET", "hasQuery": False}]
    products = [{"__typename": "Product", "id": f"p{i}", "name": f"Product p{i}"} for i in (1, 2)]
    assert report["results"] == [{"products": products}] * 2
