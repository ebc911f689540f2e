"""Ask every operation of many generated cases of our gateway, Apollo Gateway and Hive Gateway.

One node process serves every subgraph of every case; one node process per reference gateway
serves every supergraph, one port each; our gateway runs in-process, one app per case.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.gateway.harness import ORACLE_DIR, OracleProcess, asgi_poster, start_node, stop_node

from .model import PLACEHOLDER_HOST, GeneratedCase

__all__ = ["CRASHED", "GATEWAYS", "Answers", "Asked", "Reference", "ask_all", "ask_one",
           "serving"]

GATEWAYS = ("ours", "apollo", "hive")
Asked = tuple[str, GeneratedCase, dict[str, Any]]  # (operation id, case, request body)
Answers = dict[str, dict[str, Any]]  # operation id -> gateway -> response


@dataclass
class Served:
    """Live subgraphs and reference gateways for a set of composed cases."""

    supergraphs: dict[str, str]  # case name -> supergraph with live subgraph URLs
    references: dict[str, Reference]
    broken: dict[str, str]  # case name -> why @apollo/subgraph refused it (not asked)
    workdir: Path
    hive_panics: set[str] = field(default_factory=set)  # operation ids


@contextlib.contextmanager
def serving(composed: dict[str, tuple[GeneratedCase, str]], workdir: Path) -> Iterator[Served]:
    """Start the subgraph server and both reference gateways over `composed` (name -> (case,
    supergraph)); stop them on exit."""
    config = workdir / "subgraphs.json"
    config.write_text(json.dumps([case.served() for case, _ in composed.values()]))
    subgraphs = start_node("subgraphs.mjs", ["--config", str(config)])
    references: dict[str, Reference] = {}
    try:
        assert subgraphs.stdout is not None
        broken: dict[str, str] = {}
        while (line := subgraphs.stdout.readline().split(maxsplit=2))[:1] == ["broken"]:
            broken[line[1]] = json.loads(line[2])
        if len(line) != 2 or line[0] != "ready":
            raise RuntimeError(f"generated subgraphs did not start: {line!r}")
        live = f"http://127.0.0.1:{line[1]}"
        supergraphs = {name: sdl.replace(PLACEHOLDER_HOST, live)
                       for name, (_, sdl) in composed.items() if name not in broken}
        gateways = []
        for name, sdl in supergraphs.items():
            path = workdir / f"{name}.graphql"
            path.write_text(sdl)
            gateways.append({"name": name, "supergraph": str(path), "urls": {}})
        # Both load in parallel (a few seconds of node module loading each).
        references["apollo"] = Reference(gateways, workdir, "apollo")
        references["hive"] = Reference(gateways, workdir, "hive-router")
        for reference in references.values():
            reference.process.wait_ready()
        yield Served(supergraphs, references, broken, workdir)
    finally:
        for reference in references.values():
            reference.process.stop()
        stop_node(subgraphs)


CRASHED = {"errors": [{"message": "the reference gateway's process died on this operation",
                       "extensions": {"code": "REFERENCE_CRASHED"}}]}


class Reference:
    """A reference gateway's node process, restarted when an operation kills it.

    Hive Router's planner can panic, which aborts the whole process. With `serial`, one
    request is in flight at a time, so the operation that killed it is known: it is answered
    `CRASHED`, the process restarted, and the others go on.
    """

    def __init__(self, gateways: list[dict[str, Any]], workdir: Path, runtime: str,
                 serial: bool = False) -> None:
        self._args = (gateways, workdir, runtime)
        self.process = OracleProcess(*self._args, wait=False)
        self._lock = asyncio.Lock() if serial else contextlib.nullcontext()
        self.crashed: list[str] = []

    async def ask(self, client: httpx.AsyncClient, case: str, body: dict[str, Any]) -> Any:
        async with self._lock:
            try:
                return await self._post(client, case, body)
            except httpx.TransportError:
                self.crashed.append(case)
                self.process.stop()
                self.process = await asyncio.to_thread(OracleProcess, *self._args)
                return CRASHED

    async def _post(self, client: httpx.AsyncClient, case: str, body: dict[str, Any]) -> Any:
        response = await client.post(self.process.gateways[case].url, json=body)
        try:
            return response.json()
        except ValueError:
            return {"errors": [{"message": f"HTTP {response.status_code}: {response.text[:200]}"}]}


def hive_planner_panics(workdir: Path, asked: list[Asked]) -> set[str]:
    """The operations whose planning panics Hive Router's planner (`oracle/plan-probe.mjs`).

    Asked first of a small probe process, restarted after each panic, so that the Hive Gateway
    serving every case is never sent them.
    """
    lines = [json.dumps({"supergraph": str(workdir / f"{case.name}.graphql"), **body})
             for _, case, body in asked]
    panics: set[str] = set()
    start = 0
    while start < len(lines):
        done = subprocess.run(
            ["node", str(ORACLE_DIR / "plan-probe.mjs")], input="\n".join(lines[start:]) + "\n",
            capture_output=True, text=True, cwd=ORACLE_DIR, check=False,
        )
        answered = len(done.stdout.splitlines())
        if done.returncode == 0:
            break
        if start + answered >= len(lines):
            raise RuntimeError(f"plan probe failed: {done.stderr[-2000:]}")
        panics.add(asked[start + answered][0])
        start += answered + 1
    return panics


async def _ask_reference(client: httpx.AsyncClient, served: Served, name: str, asked: Asked,
                         answers: Answers) -> None:
    op_id, case, body = asked
    if name == "hive" and op_id in served.hive_panics:
        answers[op_id][name] = CRASHED
    else:
        answers[op_id][name] = await served.references[name].ask(client, case.name, body)


async def ask_one(client: httpx.AsyncClient, served: Served, post: Callable[..., Any],
                  case: GeneratedCase, body: dict[str, Any]) -> dict[str, Any]:
    """One operation's answers from all three gateways (`post`: our app's, see asgi_poster)."""
    answers: Answers = {"one": {"ours": await post(body)}}
    for name in ("apollo", "hive"):
        await _ask_reference(client, served, name, ("one", case, body), answers)
    return answers["one"]


async def _ask_ours(create_app: Callable[..., Any], served: Served, case: GeneratedCase,
                    operations: list[Asked], answers: Answers) -> None:
    app = create_app(served.supergraphs[case.name])
    async with asgi_poster(app) as post:
        for op_id, _, body in operations:
            answers[op_id]["ours"] = await post(body)


async def _ask_all(create_app: Callable[..., Any], served: Served, asked: list[Asked],
                   concurrency: int) -> Answers:
    asked = [item for item in asked if item[1].name in served.supergraphs]
    # The probe runs while ours and Apollo are asked; Hive is asked once it is done.
    probe = asyncio.ensure_future(asyncio.to_thread(hive_planner_panics, served.workdir, asked))
    answers: Answers = {op_id: {} for op_id, _, _ in asked}
    by_case: dict[str, list[Asked]] = {}
    for item in asked:
        by_case.setdefault(item[1].name, []).append(item)
    limit = asyncio.Semaphore(concurrency)

    async def one_case(items: list[Asked]) -> None:
        async with limit:
            await _ask_ours(create_app, served, items[0][1], items, answers)
            for item in items:
                await _ask_reference(client, served, "apollo", item, answers)
            served.hive_panics = await probe
            for item in items:
                await _ask_reference(client, served, "hive", item, answers)

    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(one_case(items) for items in by_case.values()))
    return answers


def ask_all(create_app: Callable[..., Any], served: Served, asked: list[Asked],
            concurrency: int = 8) -> Answers:
    """Each operation's response from each gateway in `GATEWAYS`."""
    return asyncio.run(_ask_all(create_app, served, asked, concurrency))
