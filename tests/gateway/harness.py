"""Federation sample cases as data folders: load them, serve their subgraphs, run the oracle.

A case is `samples/<case>/` with `subgraphs/<name>.py` (Strawberry federation schemas),
`supergraph.graphql` (composed from them, see `compose_samples.py`), `operations/<op>.graphql`
with `operations/<op>.json` ({"variables", "operationName", "response", "oracle_wrong", ...})
and an optional `case.json` ({"down": [served by nobody], "http_500": [answer HTTP 500]}).
`samples/README.md` describes the format.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount
from strawberry.asgi import GraphQL
from strawberry.printer import print_schema

from tests.strict import skip_or_fail

__all__ = [
    "ORACLE_DIR",
    "SAMPLES_DIR",
    "Case",
    "Operation",
    "OracleGateway",
    "OracleProcess",
    "Samples",
    "SubgraphServer",
    "all_cases",
    "all_operations",
    "asgi_post",
    "asgi_poster",
    "assert_matches_expected",
    "assert_same_as_oracle",
    "canonical",
    "case_named",
    "compose_supergraph",
    "compose_supergraphs",
    "oracle_available",
    "recorded_digest",
    "require_oracle",
    "sample_gateways",
    "sdl_digest",
    "sorted_error_paths",
    "start_node",
    "stop_node",
    "without_builtin_types",
]

SAMPLES_DIR = Path(__file__).parent / "samples"
ORACLE_DIR = Path(__file__).parent / "oracle"
DIGEST_PREFIX = "# subgraphs-sha256: "
# No telemetry to Apollo, no cloud-metadata probing (serve.mjs sets these too).
ORACLE_ENV = {
    "NODE_ENV": "test",
    "APOLLO_TELEMETRY_DISABLED": "true",
    "METADATA_SERVER_DETECTION": "none",
}
COMPOSERS = {"guild": "@theguild/federation-composition", "apollo": "@apollo/composition"}


def header(composer: str) -> str:
    return (
        "# Composed by tests/gateway/compose_samples.py from subgraphs/*.py with "
        f"{COMPOSERS[composer]}; do not edit.\n"
    )

# Strawberry logs every resolver error; the samples raise some on purpose.
logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Operation:
    """One request of a case and what the client must receive."""

    case: str
    name: str
    document: str
    variables: dict[str, Any]
    response: dict[str, Any] | None
    oracle_wrong: str | None  # why Apollo Gateway's answer differs from the expectation
    operation_name: str | None = None
    differential_error_paths: bool = True  # False where error paths are a free choice
    unordered: bool = False  # True where list order is not specified (introspection types)
    subgraph_requests: dict[str, int] | None = None  # how many fetches each subgraph gets
    entity_representations: dict[str, int] | None = None  # how many it is asked to resolve
    builtin_types: bool = True  # False: leave `__schema.types` named `__*` out of comparisons

    @property
    def id(self) -> str:
        return f"{self.case}/{self.name}"

    @property
    def body(self) -> dict[str, Any]:
        body = {"query": self.document, "variables": self.variables}
        if self.operation_name:
            body["operationName"] = self.operation_name
        return body


@dataclass
class Case:
    """A sample folder: its subgraph modules, supergraph and operations."""

    path: Path
    _modules: dict[str, ModuleType] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def config(self) -> dict[str, Any]:
        file = self.path / "case.json"
        return json.loads(file.read_text()) if file.exists() else {}

    @property
    def composer(self) -> str:
        """guild (default) or apollo: Apollo's composition, as `rover` runs it, records where
        a subgraph types a shared field more narrowly (`@join__field(type:)`); the Guild's
        does not."""
        composer = self.config.get("composer", "guild")
        if composer not in COMPOSERS:
            raise ValueError(f"{self.name}/case.json: unknown composer {composer!r}")
        return composer

    @property
    def down(self) -> list[str]:
        """Subgraphs composed into the supergraph but served by nobody (connection refused)."""
        return list(self.config.get("down", []))

    @property
    def http_500(self) -> list[str]:
        """Subgraphs composed into the supergraph whose server answers HTTP 500, not GraphQL."""
        return list(self.config.get("http_500", []))

    @property
    def subgraph_names(self) -> list[str]:
        return sorted(p.stem for p in (self.path / "subgraphs").glob("*.py"))

    def module(self, name: str) -> ModuleType:
        if name not in self._modules:
            file = self.path / "subgraphs" / f"{name}.py"
            mod_name = f"gateway_samples.{self.name.replace('-', '_')}.{name}"
            spec = importlib.util.spec_from_file_location(mod_name, file)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[mod_name] = module  # Strawberry resolves annotations through it
            spec.loader.exec_module(module)
            self._modules[name] = module
        return self._modules[name]

    def sdl(self, name: str) -> str:
        return print_schema(self.module(name).schema)

    def reset(self) -> None:
        """Put every subgraph's in-memory data back to its initial state (mutations change it)."""
        for name in self.subgraph_names:
            reset = getattr(self.module(name), "reset", None)
            if reset is not None:
                reset()

    @property
    def supergraph_path(self) -> Path:
        return self.path / "supergraph.graphql"

    @property
    def supergraph(self) -> str:
        return self.supergraph_path.read_text()

    @property
    def operations(self) -> list[Operation]:
        ops = []
        for doc in sorted((self.path / "operations").glob("*.graphql")):
            spec_file = doc.with_suffix(".json")
            spec = json.loads(spec_file.read_text()) if spec_file.exists() else {}
            ops.append(
                Operation(
                    case=self.name,
                    name=doc.stem,
                    document=doc.read_text(),
                    variables=spec.get("variables", {}),
                    response=spec.get("response"),
                    oracle_wrong=spec.get("oracle_wrong"),
                    operation_name=spec.get("operationName"),
                    differential_error_paths=spec.get("differential_error_paths", True),
                    unordered=spec.get("unordered", False),
                    subgraph_requests=spec.get("subgraph_requests"),
                    entity_representations=spec.get("entity_representations"),
                    builtin_types=spec.get("builtin_types", True),
                )
            )
        return ops


@cache
def all_cases() -> tuple[Case, ...]:
    # One Case per folder per process: its modules hold the data the servers serve and reset.
    return tuple(Case(p) for p in sorted(SAMPLES_DIR.iterdir()) if (p / "subgraphs").is_dir())


def case_named(name: str) -> Case:
    return next(c for c in all_cases() if c.name == name)


def all_operations() -> list[Operation]:
    return [op for case in all_cases() for op in case.operations]


def sdl_digest(case: Case) -> str:
    """Hash of every subgraph's printed SDL: the supergraph records it to detect staleness."""
    h = hashlib.sha256()
    for name in case.subgraph_names:
        h.update(f"{name}\n{case.sdl(name)}\n".encode())
    return h.hexdigest()


def recorded_digest(case: Case) -> str | None:
    for line in case.supergraph.splitlines()[:5]:
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).strip()
    return None


def placeholder_url(name: str) -> str:
    # Composition needs a routing URL; tests always override it with a live one.
    return f"http://{name}.invalid/graphql"


def _services(case: Case) -> list[dict[str, str]]:
    return [{"name": n, "url": placeholder_url(n), "sdl": case.sdl(n)} for n in case.subgraph_names]


def compose_supergraphs(cases: list[Case]) -> dict[str, str]:
    """Each case's supergraph SDL with the digest header, composed in one node process."""
    done = subprocess.run(
        ["node", str(ORACLE_DIR / "compose.mjs")],
        input=json.dumps({case.name: {"composer": case.composer, "services": _services(case)}
                          for case in cases}),
        capture_output=True,
        text=True,
        cwd=ORACLE_DIR,
        check=True,
    )
    out = {}
    for case in cases:
        result = json.loads(done.stdout)[case.name]
        if "errors" in result:
            raise RuntimeError(
                f"composition of {case.name} failed:\n" + "\n".join(result["errors"])
            )
        body = result["supergraph"].rstrip()
        out[case.name] = f"{header(case.composer)}{DIGEST_PREFIX}{sdl_digest(case)}\n\n{body}\n"
    return out


def compose_supergraph(case: Case) -> str:
    return compose_supergraphs([case])[case.name]


# --- servers ---------------------------------------------------------------------------------


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _representations(body: bytes) -> int:
    try:
        variables = json.loads(body).get("variables") or {}
    except (ValueError, AttributeError):
        return 0
    return len(variables.get("representations") or [])


async def _next_or_wait(replay: Any, receive: Any) -> Any:
    # Replays the request body already read, then hands over to the server (disconnects).
    return next(replay, None) or await receive()


class SubgraphServer:
    """Every subgraph of a case on one real port (uvicorn in a thread), one mount each."""

    def __init__(self, case: Case) -> None:
        self.case = case
        served = [n for n in case.subgraph_names if n not in case.down]
        self.requests: Counter[str] = Counter()
        self.representations: Counter[str] = Counter()
        routes = [Mount(f"/{n}", app=self._counted(n, self._app(n))) for n in served]
        self._sock = _free_socket()
        # A bound socket that never listens refuses connections: a subgraph that is down.
        self._dead = _free_socket()
        config = uvicorn.Config(Starlette(routes=routes), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _app(self, name: str) -> Any:
        if name in self.case.http_500:
            # A subgraph that answers every request with a bare 500, not GraphQL.
            return PlainTextResponse("upstream exploded", status_code=500)
        return GraphQL(self.case.module(name).schema)

    def _counted(self, name: str, app: Any) -> Any:
        """The app, counting requests and `_entities` representations it receives."""

        async def counted(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["method"] != "POST":
                return await app(scope, receive, send)
            messages, more = [], True
            while more:
                messages.append(await receive())
                more = messages[-1].get("more_body", False)
            self.requests[name] += 1
            self.representations[name] += _representations(
                b"".join(m.get("body", b"") for m in messages)
            )
            replay = iter(messages)
            await app(scope, lambda: _next_or_wait(replay, receive), send)

        return counted

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._sock]))

    @property
    def urls(self) -> dict[str, str]:
        port = self._sock.getsockname()[1]
        dead = self._dead.getsockname()[1]
        return {
            n: f"http://127.0.0.1:{dead if n in self.case.down else port}/{n}/graphql"
            for n in self.case.subgraph_names
        }

    def start(self) -> SubgraphServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"subgraphs of {self.case.name} did not start")
            time.sleep(0.01)
        return self

    def signal_stop(self) -> None:
        self._server.should_exit = True

    def stop(self) -> None:
        self.signal_stop()
        self._thread.join(timeout=5)
        self._sock.close()
        self._dead.close()


ORACLE_PACKAGES = ("@apollo/client", "@apollo/gateway", "@apollo/subgraph", "@graphql-hive/gateway",
                   "@graphql-hive/router-runtime", "@theguild/federation-composition")


def oracle_available() -> str | None:
    """Why the oracle cannot run here, or None; installs node_modules from the lock if needed."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not all((ORACLE_DIR / "node_modules" / p).is_dir() for p in ORACLE_PACKAGES):
        if shutil.which("npm") is None:
            return "npm is not installed"
        subprocess.run(
            ["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=ORACLE_DIR, check=True
        )
    missing = [p for p in ORACLE_PACKAGES if not (ORACLE_DIR / "node_modules" / p).is_dir()]
    return f"npm packages missing: {missing}" if missing else None


def require_oracle() -> None:
    """Skip when node or the oracle's packages are missing; with CI=true, fail instead."""
    if reason := oracle_available():
        skip_or_fail(f"node oracle unavailable: {reason}")


class OracleGateway:
    """Apollo Gateway over one case's supergraph, served by an `OracleProcess`."""

    def __init__(self, client: httpx.Client, url: str) -> None:
        self._client = client
        self.url = url

    def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._client.post(self.url, json=body).json()


def sample_gateways(urls_by_case: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """`serve.mjs --config` entries for sample cases: supergraph file and live subgraph URLs."""
    return [
        {"name": name, "supergraph": str(case_named(name).supergraph_path), "urls": urls}
        for name, urls in urls_by_case.items()
    ]


def start_node(script: str, args: list[str]) -> subprocess.Popen[str]:
    """A node script of the oracle folder, its stdout piped for its "ready" lines."""
    return subprocess.Popen(
        ["node", str(ORACLE_DIR / script), *args],
        cwd=ORACLE_DIR,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **ORACLE_ENV},
    )


def stop_node(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


class OracleProcess:
    """One node process serving a reference gateway for several cases, one port each.

    Loading node and Apollo costs about a second of CPU, so all cases share one process.
    `runtime` is "apollo" (Apollo Gateway) or "hive-router" (Hive Gateway, Rust planner).
    """

    def __init__(
        self,
        gateways: list[dict[str, Any]],
        config_dir: Path,
        runtime: str = "apollo",
        wait: bool = True,
    ) -> None:
        config_file = config_dir / f"oracle-{runtime}.json"
        config_file.write_text(json.dumps(gateways))
        self._proc = start_node("serve.mjs", ["--config", str(config_file), "--runtime", runtime])
        self._client = httpx.Client(timeout=30)
        self.gateways = self.wait_ready() if wait else {}

    def wait_ready(self) -> dict[str, OracleGateway]:
        """Each gateway by name, once all listen (`wait=False` starts without waiting)."""
        assert self._proc.stdout is not None
        gateways = {}
        while (line := self._proc.stdout.readline().split()) != ["ready"]:
            if not line or line[0] != "ready":
                self.stop()
                raise RuntimeError(f"reference gateway did not start: {line!r}")
            gateways[line[1]] = OracleGateway(self._client, f"http://127.0.0.1:{line[2]}/")
        self.gateways = gateways
        return gateways

    def stop(self) -> None:
        self._client.close()
        stop_node(self._proc)


@contextlib.asynccontextmanager
async def asgi_poster(app: Any) -> AsyncIterator[Callable[[dict[str, Any]], Awaitable[Any]]]:
    """Inside the app's lifespan (when it has one): a function POSTing GraphQL requests."""
    lifespan = getattr(getattr(app, "router", None), "lifespan_context", None)
    async with contextlib.AsyncExitStack() as stack:
        if lifespan is not None:
            await stack.enter_async_context(lifespan(app))
        transport = httpx.ASGITransport(app=app)
        client = httpx.AsyncClient(transport=transport, base_url="http://gateway", timeout=30)
        await stack.enter_async_context(client)

        async def post(body: dict[str, Any]) -> dict[str, Any]:
            response = await client.post("/graphql", json=body)
            result = response.json()
            # GraphQL over HTTP: a response with a data entry (even null) is a 2xx, whatever
            # failed in the subgraphs; only requests that fail before execution may be 4xx.
            if "data" in result:
                assert response.status_code == 200, f"HTTP {response.status_code} with data"
            return result

        yield post


async def asgi_post(app: Any, body: dict[str, Any]) -> dict[str, Any]:
    """POST a GraphQL request to an ASGI app, inside its lifespan when it has one."""
    async with asgi_poster(app) as post:
        return await post(body)


class Samples:
    """Starts a case's servers on first use and keeps them for the whole session."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._subgraphs: dict[str, SubgraphServer] = {}
        self._oracle: OracleProcess | None = None
        self._apps: dict[str, Any] = {}
        # Each answer is asked for once per session and shared by the tests that compare it.
        self._ours: dict[str, tuple[dict[str, Any], Counter[str], Counter[str]]] = {}
        self._theirs: dict[str, dict[str, Any]] = {}

    def case(self, name: str) -> Case:
        return case_named(name)

    def urls(self, name: str) -> dict[str, str]:
        if name not in self._subgraphs:
            self._subgraphs[name] = SubgraphServer(case_named(name)).start()
        return self._subgraphs[name].urls

    def prepare(self, name: str) -> None:
        """Before each request: subgraph data back to its initial state, fetch counts to zero."""
        case_named(name).reset()
        self.urls(name)
        self._subgraphs[name].requests.clear()
        self._subgraphs[name].representations.clear()

    async def ask_ours(self, op: Operation, create_app: Callable[..., Any]) -> dict[str, Any]:
        """Our gateway's response to the operation, from fresh subgraph state."""
        if op.id not in self._ours:
            app = self.our_app(op.case, create_app)
            self.prepare(op.case)
            response = _comparable(op, await asgi_post(app, op.body))
            server = self._subgraphs[op.case]
            self._ours[op.id] = (response, server.requests.copy(), server.representations.copy())
        return copy.deepcopy(self._ours[op.id][0])

    def ask_oracle(self, op: Operation) -> dict[str, Any]:
        """Apollo Gateway's response to the operation, from fresh subgraph state."""
        if op.id not in self._theirs:
            oracle = self.oracle(op.case)
            self.prepare(op.case)
            self._theirs[op.id] = _comparable(op, oracle.execute(op.body))
        return copy.deepcopy(self._theirs[op.id])

    def assert_requests(self, op: Operation) -> None:
        """Our gateway sent no subgraph more fetches, or representations, than the op allows."""
        _, requests, representations = self._ours[op.id]
        for bounds, counts in (
            (op.subgraph_requests, requests),
            (op.entity_representations, representations),
        ):
            got = {name: counts[name] for name in bounds or {}}
            over = {n: c for n, c in got.items() if c > bounds[n]}
            assert not over, f"per subgraph: got {got}, at most {bounds}"

    def oracle(self, name: str) -> OracleGateway:
        if self._oracle is None:
            require_oracle()
            # Node and Apollo take a second to load: one process serves every case.
            urls = {case.name: self.urls(case.name) for case in all_cases()}
            self._oracle = OracleProcess(sample_gateways(urls), self._workdir)
        return self._oracle.gateways[name]

    def our_app(self, name: str, create_app: Callable[..., Any]) -> Any:
        if name not in self._apps:
            case = case_named(name)
            self._apps[name] = create_app(case.supergraph, subgraph_urls=self.urls(name))
        return self._apps[name]

    def close(self) -> None:
        if self._oracle is not None:
            self._oracle.stop()
        for server in self._subgraphs.values():
            server.signal_stop()
        for server in self._subgraphs.values():
            server.stop()


# --- comparing -------------------------------------------------------------------------------


def _comparable(op: Operation, response: dict[str, Any]) -> dict[str, Any]:
    if not op.builtin_types:
        response["data"] = without_builtin_types(response.get("data"))
    return response


def _error_matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    """An expected error lists only what must hold: message, path, extensions (a subset)."""
    for key, want in expected.items():
        if key == "extensions":
            got = actual.get("extensions") or {}
            if any(got.get(k) != v for k, v in want.items()):
                return False
        elif key == "message":
            # graphql-core 3.2 quotes names with ' where graphql-js uses ": same message.
            if str(actual.get(key)).replace("'", '"') != want.replace("'", '"'):
                return False
        elif actual.get(key) != want:
            return False
    return True


def canonical(value: Any, unordered: bool = False) -> str:
    """JSON text that keeps field order; 1.0 and 1 are the same JSON number.

    `unordered` sorts every list, for answers whose list order no spec fixes.
    """

    def norm(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            items = [norm(x) for x in v]
            if unordered:
                items.sort(key=lambda x: json.dumps(x, sort_keys=True))
            return items
        return v

    return json.dumps(norm(value), indent=1)


def without_builtin_types(data: Any) -> Any:
    """Introspection data without `__Type`, `__Field`, ...: they vary with the GraphQL library
    version (graphql-js 16 vs graphql-core 3.3: `isOneOf`, `FRAGMENT_VARIABLE_DEFINITION`)."""
    schema = (data or {}).get("__schema") or {}
    if "types" not in schema:
        return data
    types = [t for t in schema["types"] if not t.get("name", "").startswith("__")]
    return {**data, "__schema": {**schema, "types": types}}


def assert_matches_expected(
    actual: dict[str, Any], expected: dict[str, Any], unordered: bool = False
) -> None:
    """`data` exactly, in the client's field order; each expected error matched by one error."""
    assert set(actual) - {"extensions"} == set(expected), f"top-level keys differ: {actual}"
    if "data" in expected:
        got, want = actual.get("data"), expected["data"]
        assert canonical(got, unordered) == canonical(want, unordered)
    unmatched = list(actual.get("errors", []))
    for want in expected.get("errors", []):
        found = next((e for e in unmatched if _error_matches(want, e)), None)
        assert found is not None, f"no error like {want} in {actual.get('errors')}"
        unmatched.remove(found)
    assert not unmatched, f"unexpected errors: {unmatched}"


def sorted_error_paths(response: dict[str, Any]) -> list[str]:
    return sorted(json.dumps(e.get("path")) for e in response.get("errors", []))


def assert_same_as_oracle(
    ours: dict[str, Any], oracle: dict[str, Any], error_paths: bool = True, unordered: bool = False
) -> None:
    """Same data (and field order), same number of errors at the same paths.

    Messages are not compared: transport failures are worded differently by every gateway;
    `assert_matches_expected` checks the messages that matter.
    """
    assert canonical(ours.get("data"), unordered) == canonical(oracle.get("data"), unordered)
    if error_paths:
        assert sorted_error_paths(ours) == sorted_error_paths(oracle)
