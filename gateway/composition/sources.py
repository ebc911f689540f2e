"""Fetch each subgraph's SDL: from a file, or from a running subgraph's `_service { sdl }`."""

from __future__ import annotations

import asyncio

import httpx

from .compose import SubgraphSource
from .config import ConfigError, SubgraphConfig

__all__ = ["load_sources"]

# Federation subgraph spec: every subgraph answers `_service { sdl }` with its own SDL.
_SERVICE_QUERY = {"query": "query SubgraphSdl { _service { sdl } }"}


def load_sources(subgraphs: list[SubgraphConfig], timeout: float = 10.0) -> list[SubgraphSource]:
    """Load every subgraph; report every one that fails, each on one line."""
    return asyncio.run(_load_all(subgraphs, timeout))


async def _load_all(subgraphs: list[SubgraphConfig], seconds: float) -> list[SubgraphSource]:
    async with httpx.AsyncClient(timeout=seconds) as client:
        results = await asyncio.gather(*(_load(client, s) for s in subgraphs))
    problems = [r for r in results if isinstance(r, str)]
    if problems:
        raise ConfigError(problems)
    return [r for r in results if isinstance(r, SubgraphSource)]


async def _load(client: httpx.AsyncClient, subgraph: SubgraphConfig) -> SubgraphSource | str:
    if subgraph.file is not None:
        try:
            return SubgraphSource(subgraph.name, subgraph.routing_url, subgraph.file.read_text())
        except OSError as exc:
            return f"[{subgraph.name}] cannot read schema file {subgraph.file}: " \
                   f"{exc.strerror or exc}"
    return await _fetch(client, subgraph)


async def _fetch(client: httpx.AsyncClient, subgraph: SubgraphConfig) -> SubgraphSource | str:
    url = str(subgraph.subgraph_url)
    prefix = f"[{subgraph.name}] cannot fetch SDL from {url}"
    try:
        response = await client.post(url, json=_SERVICE_QUERY, headers=subgraph.headers)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return f"{prefix}: subgraph is unreachable ({type(exc).__name__}: {exc or 'no detail'})"
    if response.status_code != 200:
        return f"{prefix}: HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return f"{prefix}: response is not JSON"
    try:
        sdl = _service_sdl(body)
    except ValueError as exc:
        return f"{prefix}: {exc}"
    return SubgraphSource(subgraph.name, subgraph.routing_url, sdl)


def _service_sdl(body: object) -> str:
    """`data._service.sdl` of a GraphQL response, or ValueError saying what came instead."""
    data = body.get("data") if isinstance(body, dict) else None
    service = data.get("_service") if isinstance(data, dict) else None
    sdl = service.get("sdl") if isinstance(service, dict) else None
    if isinstance(sdl, str):
        return sdl
    errors = body.get("errors") if isinstance(body, dict) else None
    detail = f" ({errors[0].get('message')})" if errors and isinstance(errors[0], dict) else ""
    raise ValueError(f"response has no data._service.sdl{detail}; is it a federation subgraph?")
