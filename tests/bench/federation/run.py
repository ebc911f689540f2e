"""Federation benchmark: our gateway beside Apollo Gateway, Hive Gateway and Grafbase, one run.

Starts the four Node benchmark subgraphs (memoised, pinned to CPU 1), then each gateway in turn
pinned to CPU 0; checks that TestQuery answers the expected response, drives it with wrk (CPU 1)
at fixed concurrency, and records RPS, latency percentiles, CPU seconds per 1,000 requests of the
gateway's process tree (/proc/<pid>/stat), peak RSS, the subgraph requests each client request
cost (the subgraphs count what they receive), the subgraphs' and wrk's CPU, and which side was
the limit. Writes tests/bench/results/latest.json and tests/bench/RESULTS.md.
``python tests/bench/federation/run.py --duration 30``
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
BENCH = HERE.parent
SUBGRAPHS = ("accounts", "inventory", "products", "reviews")
SUBGRAPH_BASE_PORT = 4201
GATEWAY_PORT = 4000
OTLP_SINK_PORT = 4318  # traces of the "ours+tracing" run go here and are dropped (issue 14)
GATEWAY_CPU, LOAD_CPU = "0", "1"
GRAFBASE = HERE / "node_modules" / "@grafbase" / "cli-x86_64-unknown-linux-musl" / "grafbase"
SATURATED = 0.9  # a core busy this share of the time is what limited the row
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_MB = 1 / 1024  # VmRSS is in kB


# ---------------------------------------------------------------- set-up

def ensure_tools() -> None:
    """npm ci when node_modules is missing or older than the lock; wrk from Debian when absent."""
    installed = HERE / "node_modules" / ".package-lock.json"
    if not installed.exists() or not GRAFBASE.exists() or \
            installed.stat().st_mtime < (HERE / "package-lock.json").stat().st_mtime:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True)
    if shutil.which("wrk") is None:
        apt = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(apt, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], check=True)
            subprocess.run(apt, check=True)


def write_supergraph(directory: Path) -> Path:
    """The checked-in benchmark supergraph (composed from schemas/ by supergraph.yaml's recipe)."""
    path = directory / "supergraph.graphql"
    shutil.copyfile(HERE / "supergraph.graphql", path)
    return path


def write_grafbase_configs(directory: Path) -> dict[str, Path]:
    """grafbase.toml files (in-flight deduplication on, its default, and off) over each
    subgraph's own SDL, which Grafbase composes itself."""
    subprocess.run(["node", str(HERE / "subgraphs.mjs"), "--sdl", str(directory)], check=True)
    lines = []
    for offset, name in enumerate(SUBGRAPHS):
        lines += [f"[subgraphs.{name}]",
                  f'url = "http://127.0.0.1:{SUBGRAPH_BASE_PORT + offset}/graphql"',
                  f'schema_path = "{directory / f"{name}.graphql"}"', ""]
    configs = {}
    for mode, dedup in (("on", "true"), ("off", "false")):
        path = configs[mode] = directory / f"grafbase-dedup-{mode}.toml"
        path.write_text("\n".join(["[traffic_shaping]", f"inflight_deduplication = {dedup}",
                                   "", *lines]))
    return configs


def native_tree(work: Path) -> Path | str:
    """A copy of this checkout's gateway with the executor's hot modules compiled (``make
    native``'s build), for the ``+native`` rows; why not, when it cannot be built."""
    sys.path.insert(0, str(ROOT))
    from infra import native

    try:
        tree = native.copy_sources(work / "native")
        native.build(tree)
    except (ImportError, OSError, RuntimeError, subprocess.CalledProcessError) as error:
        return f"not built: {str(error)[:300]}"
    return tree


def request_body() -> bytes:
    query = (HERE / "query.graphql").read_text()
    return json.dumps({"query": query, "operationName": "TestQuery"}).encode()


def expected_response() -> dict:
    """TestQuery's answer built straight from data.json, independent of any gateway."""
    data = json.loads((HERE / "data.json").read_text())
    users = {u["id"]: u for u in data["users"]}
    products = {p["upc"]: p for p in data["products"]}
    reviews = data["reviews"]

    def ship(p: dict) -> int:
        return 0 if p["price"] > 700 else round(p["weight"] / 2)

    def product(upc: str) -> dict:
        p = products[upc]
        return {"inStock": data["inventory"][upc], "name": p["name"], "price": p["price"],
                "shippingEstimate": ship(p), "upc": upc, "weight": p["weight"]}

    def user(uid: str) -> dict:
        u = users[uid]
        return {"id": uid, "username": u["username"], "name": u["name"]}

    def review(r: dict) -> dict:
        return {"id": r["id"], "body": r["body"]}

    def reviews_of(key: str, value: str) -> list[dict]:
        return [r for r in reviews if r[key] == value]

    def author(uid: str) -> dict:
        return {**user(uid), "reviews": [{**review(r), "product": product(r["upc"])}
                                         for r in reviews_of("authorId", uid)]}

    def product_reviews(upc: str) -> list[dict]:
        return [{**review(r), "author": author(r["authorId"])} for r in reviews_of("upc", upc)]

    return {"data": {
        "users": [{**user(u["id"]), "reviews": [
            {**review(r), "product": {**product(r["upc"]), "reviews": product_reviews(r["upc"])}}
            for r in reviews_of("authorId", u["id"])]} for u in data["users"]],
        "topProducts": [{**product(p["upc"]), "reviews": product_reviews(p["upc"])}
                        for p in data["products"][:5]],
    }}


# ---------------------------------------------------------------- processes

@contextlib.contextmanager
def process(argv: list[str], cpu: str, log: Path, env: dict | None = None,
            cwd: Path = HERE) -> Iterator[subprocess.Popen]:
    """Run argv pinned to ``cpu`` in its own process group; stop the whole group afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(["taskset", "-c", cpu, *argv], cwd=cwd, stdout=out,
                                stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                start_new_session=True)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


def post(url: str, body: bytes, timeout: float = 30) -> tuple[int, bytes]:
    req = urllib.request.Request(url, body, {"content-type": "application/json",
                                             "accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def descendants(pid: int) -> list[int]:
    """pid and every process below it (Hive forks workers; uvicorn may too)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def cpu_seconds(pid: int) -> float:
    """utime + stime of the live process tree (children reaped later are not in it)."""
    ticks = 0
    for p in descendants(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / CLK_TCK


def rss_mb(pid: int) -> float:
    total = 0
    for p in descendants(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total * PAGE_MB


class PeakRss(threading.Thread):
    """Samples the tree's summed VmRSS every 100 ms until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.halt = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self.halt.wait(0.1)


# ---------------------------------------------------------------- measuring

def check(url: str, body: bytes, expected: dict, count: int) -> tuple[bool, str]:
    """``count`` concurrent TestQuery requests all answer exactly ``expected``."""
    with concurrent.futures.ThreadPoolExecutor(min(count, 10)) as pool:
        answers = list(pool.map(lambda _: post(url, body), range(count)))
    for status, raw in answers:
        try:
            got = json.loads(raw)
        except ValueError:
            return False, f"status {status}, not JSON: {raw[:200]!r}"
        if status != 200 or got != expected:
            return False, f"status {status}: {json.dumps(got)[:400]}"
    return True, "ok"


def wrk(url: str, body_file: Path, seconds: int, connections: int, out: Path) -> dict:
    """wrk's summary, plus ``cpu_s``: the CPU seconds wrk itself used (a reaped child)."""
    env = {**os.environ, "BENCH_BODY": str(body_file), "BENCH_OUT": str(out)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
                    "--timeout", "30s", "-s", str(HERE / "post.lua"), url],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(out.read_text())
    summary["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return summary


def subgraph_requests() -> int:
    """POSTs the four subgraphs answered so far (each counts its own)."""
    total = 0
    for offset in range(len(SUBGRAPHS)):
        url = f"http://127.0.0.1:{SUBGRAPH_BASE_PORT + offset}/requests"
        with urllib.request.urlopen(url, timeout=10) as resp:
            total += int(resp.read())
    return total


def limit(gateway_share: float, load_share: float) -> str:
    """Which core was the bottleneck: the gateway's, or the one of the subgraphs and wrk."""
    if gateway_share >= SATURATED:
        return "gateway"
    if load_share >= SATURATED:
        return "subgraphs+wrk"
    return "neither (other load on the machine, or latency)"


def measure(name: str, url: str, pid: int, args: argparse.Namespace, work: Path,
            body: bytes, expected: dict, subgraphs_pid: int) -> dict:
    body_file = work / "body.json"
    body_file.write_bytes(body)
    valid, why = check(url, body, expected, 20)
    print(f"  [{name}] correctness before load: {why[:300]}", flush=True)
    wrk(url, body_file, args.warmup, args.connections, work / "warmup.json")
    rss = PeakRss(pid)
    rss.start()
    cpu0, sub_cpu0, sent0 = cpu_seconds(pid), cpu_seconds(subgraphs_pid), subgraph_requests()
    load = wrk(url, body_file, args.duration, args.connections, work / f"{name}.wrk.json")
    cpu = cpu_seconds(pid) - cpu0
    sub_cpu = cpu_seconds(subgraphs_pid) - sub_cpu0
    sent = subgraph_requests() - sent0
    rss.halt.set()
    rss.join()
    after, why_after = check(url, body, expected, 10)
    if not after:
        print(f"  [{name}] correctness after load: {why_after[:300]}", flush=True)
    requests = load["requests"]
    # valid: every sampled answer equals the expected one and no load response was non-2xx;
    # socket errors and timeouts (a saturated gateway) are reported beside it, not hidden.
    failures = {"socket_errors": load["errors"], "timeouts": load["timeouts"],
                "non2xx": load["non2xx"]}
    seconds = load["seconds"]
    load_share = (sub_cpu + load["cpu_s"]) / seconds
    return {
        "rps": round(requests / load["seconds"], 1),
        "p50_ms": round(load["p50_us"] / 1000, 2),
        "p95_ms": round(load["p95_us"] / 1000, 2),
        "p99_ms": round(load["p99_us"] / 1000, 2),
        "cpu_s_per_1k": round(cpu / requests * 1000, 3) if requests else None,
        "peak_rss_mb": round(rss.peak, 1),
        "valid": bool(valid and after and load["non2xx"] == 0 and requests > 0),
        "gateway_cpu_share": round(cpu / seconds, 2),
        "subgraph_requests_per_request": round(sent / requests, 2) if requests else None,
        "subgraph_cpu_s_per_1k": round(sub_cpu / requests * 1000, 3) if requests else None,
        "subgraph_cpu_share": round(sub_cpu / seconds, 2),
        "wrk_cpu_share": round(load["cpu_s"] / seconds, 2),
        "limit": limit(cpu / seconds, load_share),
        "_failures": failures,
        "_cpu_share": round(cpu / seconds, 2),
    }


# ---------------------------------------------------------------- the gateways

def gateways(supergraph: Path, grafbase: dict[str, Path] | None = None,
             baseline: Path | None = None,
             native: Path | None = None) -> dict[str, tuple[list[str], dict, Path]]:
    """Each row's command line, environment and working directory. ``baseline``: a checkout of
    the project whose gateway runs as the ``@baseline`` rows (same venv; ``python -m gateway``
    imports from the working directory first), for before/after in one run; ``native``: this
    checkout with the executor compiled (``native_tree``), the ``+native`` rows."""
    python = str(ROOT / ".venv" / "bin" / "python")
    ours = [python, "-m", "gateway", "serve", "--supergraph", str(supergraph),
            "--host", "127.0.0.1", "--port", str(GATEWAY_PORT)]
    ours_env = {"GATEWAY_MODE": "production", "GATEWAY_PERSISTED_QUERIES__ENABLED": "false"}
    hive = [str(HERE / "node_modules" / ".bin" / "hive-gateway"), "supergraph", str(supergraph),
            "--port", str(GATEWAY_PORT), "--host", "127.0.0.1", "--fork", "1",
            "--polling", "24h", "-c", str(HERE / "hive.config.mjs")]
    node_env = {"NODE_ENV": "production"}
    # Tracing as production runs it: 10 % of new traces kept, exported over OTLP/HTTP to a
    # local sink (metrics are always on: every "ours" row pays for them).
    tracing_env = {**ours_env, "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{OTLP_SINK_PORT}",
                   "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
                   "OTEL_TRACES_SAMPLER_ARG": "0.1"}
    grafbase_dev = [str(GRAFBASE), "dev", "--port", str(GATEWAY_PORT), "--config"]
    # ours: defaults (identical concurrent client queries of one identity share one execution,
    # identical concurrent subgraph queries one request);
    # ours-no-collapse: each client request executes, subgraph queries still shared (the
    # default before issue 22's second target);
    # ours-no-dedup: no sharing at all (issue 22's CPU-per-request comparison).
    no_collapse_env = {**ours_env, "GATEWAY_COLLAPSE_REQUESTS": "false"}
    no_dedup_env = {**no_collapse_env, "GATEWAY_TRAFFIC__ALL__DEDUPLICATE_QUERIES": "false"}
    rows = {
        "ours": (ours, ours_env, ROOT),
        "ours-no-dedup": (ours, no_dedup_env, ROOT),
    }
    if native is not None:
        rows["ours+native"] = (ours, ours_env, native)
        rows["ours-no-dedup+native"] = (ours, no_dedup_env, native)
    if baseline is not None:
        rows["ours@baseline"] = (ours, ours_env, baseline)
        rows["ours-no-dedup@baseline"] = (ours, no_dedup_env, baseline)
    rows.update({
        "ours+tracing": (ours, tracing_env, ROOT),
        "ours-no-collapse": (ours, no_collapse_env, ROOT),
        "apollo-gateway": (["node", str(HERE / "apollo.mjs"), str(supergraph),
                            str(GATEWAY_PORT)], node_env, HERE),
        "hive-gateway": (hive, {**node_env, "BENCH_DEDUP": "0"}, HERE),
        "hive-gateway-rust-planner": ([*hive, "--hive-router-runtime"],
                                      {**node_env, "BENCH_DEDUP": "0"}, HERE),
        "hive-gateway-rust-planner+dedup": ([*hive, "--hive-router-runtime"],
                                            {**node_env, "BENCH_DEDUP": "1"}, HERE),
    })
    if grafbase is not None:
        # Grafbase's engine in one process (`grafbase dev` composes the subgraphs' SDL itself;
        # offline); its in-flight subgraph deduplication is on by default
        work = grafbase["on"].parent
        rows["grafbase"] = ([*grafbase_dev, str(grafbase["on"])], {"NO_COLOR": "1"}, work)
        rows["grafbase-no-dedup"] = ([*grafbase_dev, str(grafbase["off"])], {"NO_COLOR": "1"},
                                     work)
    return rows


@contextlib.contextmanager
def otlp_sink() -> Iterator[None]:
    """Accepts OTLP/HTTP exports and drops them, so exporting costs the gateway what it would."""
    import http.server

    class Sink(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", OTLP_SINK_PORT), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()


def ceiling(args: argparse.Namespace, work: Path) -> dict:
    """wrk straight at one memoised subgraph call: what the subgraphs can answer at most."""
    body = json.dumps({"query": "{ users { id name username } }"}).encode()
    url = f"http://127.0.0.1:{SUBGRAPH_BASE_PORT}/graphql"
    post(url, body)
    body_file = work / "ceiling.json"
    body_file.write_bytes(body)
    load = wrk(url, body_file, min(args.duration, 10), args.connections, work / "ceiling.wrk.json")
    return {"rps": round(load["requests"] / load["seconds"], 1),
            "p50_ms": round(load["p50_us"] / 1000, 2), "p95_ms": round(load["p95_us"] / 1000, 2)}


def run(args: argparse.Namespace) -> dict:
    load_before = os.getloadavg()
    ensure_tools()
    work = Path(tempfile.mkdtemp(prefix="fedbench-"))
    supergraph = write_supergraph(work)
    grafbase = write_grafbase_configs(work)
    wanted = args.only or ("ours+native", "ours-no-dedup+native")
    native = native_tree(work) if {"ours+native", "ours-no-dedup+native"} & set(wanted) \
        else "not asked for"
    body, expected = request_body(), expected_response()
    results: dict[str, dict] = {}
    notes: dict[str, str] = {}
    cpu_share: dict[str, float | None] = {}  # CPU-seconds the gateway got per second of load
    subgraphs = ["node", str(HERE / "subgraphs.mjs"), str(SUBGRAPH_BASE_PORT)]
    with process(subgraphs, LOAD_CPU, work / "subgraphs.log") as subgraphs_proc, otlp_sink():
        for offset in range(len(SUBGRAPHS)):
            wait_port(SUBGRAPH_BASE_PORT + offset)
        meta_ceiling = ceiling(args, work)
        print(f"subgraph ceiling (one memoised call, no gateway): {meta_ceiling}", flush=True)
        if isinstance(native, str):
            notes["ours+native"] = native
            print(f"ours+native: {native}", flush=True)
        rows = gateways(supergraph, grafbase, args.baseline,
                        native if isinstance(native, Path) else None)
        for name, (argv, env, cwd) in rows.items():
            if args.only and name not in args.only:
                continue
            print(f"{name}: starting", flush=True)
            with process(argv, GATEWAY_CPU, work / f"{name}.log", env, cwd) as proc:
                try:
                    wait_port(GATEWAY_PORT, 90)
                    results[name] = measure(name, f"http://127.0.0.1:{GATEWAY_PORT}/graphql",
                                            proc.pid, args, work, body, expected,
                                            subgraphs_proc.pid)
                except (TimeoutError, OSError, subprocess.CalledProcessError) as error:
                    notes[name] = f"failed: {error}"
                    results[name] = dict.fromkeys(("rps", "p50_ms", "p95_ms", "p99_ms",
                                                   "cpu_s_per_1k", "peak_rss_mb", "valid"))
            cpu_share[name] = results[name].pop("_cpu_share", None)
            failures = {k: v for k, v in results[name].pop("_failures", {}).items() if v}
            if failures:
                notes[name] = f"failed requests during load: {failures}"
            print(f"  {name}: {results[name]}", flush=True)
            time.sleep(1)
    return {"gateways": results, "meta": {
        "command": args.command_line, "date": datetime.datetime.now(datetime.UTC).isoformat(
            timespec="seconds"), "machine": machine(), "duration_s": args.duration,
        "connections": args.connections, "warmup_s": args.warmup,
        "load_before": load_before, "load_after": os.getloadavg(),
        "subgraph_ceiling": meta_ceiling, "notes": notes, "gateway_cpu_share": cpu_share,
        "logs": str(work)}}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs ({cpu}), "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"Node {node}")


# ---------------------------------------------------------------- reporting

def table(report: dict) -> str:
    rows = ["| gateway | RPS | p50 ms | p95 ms | p99 ms | CPU s / 1k req | peak RSS MB | valid "
            "| subgraph req / req | subgraphs CPU s / 1k req | gateway CPU share "
            "| subgraphs CPU share | wrk CPU share | limited by |",
            "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for name, r in report["gateways"].items():
        if r["rps"] is None:
            rows.append(f"| {name} | {report['meta']['notes'].get(name, 'n/a')} ||||||||||||| ")
            continue
        rows.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                    f"{r['cpu_s_per_1k']} | {r['peak_rss_mb']} | {r['valid']} | "
                    f"{r.get('subgraph_requests_per_request')} | "
                    f"{r.get('subgraph_cpu_s_per_1k')} | {r.get('gateway_cpu_share')} | "
                    f"{r.get('subgraph_cpu_share')} | "
                    f"{r.get('wrk_cpu_share')} | {r.get('limit')} |")
    return "\n".join(rows) + "\n\n" + ratios(report["gateways"])


def ratios(gateways: dict[str, dict]) -> str:
    """Ours beside each peer (and beside its own @baseline row): RPS ratio (higher is better)
    and CPU ratio (lower is better)."""
    lines = ["| ours / peer | RPS ratio | CPU-s per 1k ratio | peak RSS ratio |",
             "|---|---:|---:|---:|"]
    for mode in ("ours", "ours-no-dedup", "ours+native", "ours-no-dedup+native",
                 "ours-no-collapse"):
        mine = gateways.get(mode) or {}
        if mine.get("rps") is None:
            continue
        for peer, theirs in gateways.items():
            own = (f"{mode}@baseline", mode.removesuffix("+native"))
            if (peer.startswith("ours") and (peer not in own or peer == mode)) \
                    or theirs.get("rps") is None:
                continue
            lines.append(f"| {mode} / {peer} | {mine['rps'] / theirs['rps']:.3f} | "
                         f"{mine['cpu_s_per_1k'] / theirs['cpu_s_per_1k']:.2f} | "
                         f"{mine['peak_rss_mb'] / theirs['peak_rss_mb']:.2f} |")
    return "\n".join(lines)


def write(report: dict) -> None:
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    meta = report["meta"]
    section = (f"<!-- federation:begin -->\n## Federation benchmark (latest run)\n\n"
               f"Command: `{meta['command']}`  \nDate: {meta['date']}  \n"
               f"Machine: {meta['machine']}  \nLoad average (1/5/15 min) before the run: "
               f"{', '.join(f'{x:.2f}' for x in meta['load_before'])}, after: "
               f"{', '.join(f'{x:.2f}' for x in meta['load_after'])}  \n"
               f"wrk: 1 thread, {meta['connections']} connections, {meta['duration_s']} s per "
               f"gateway after {meta['warmup_s']} s warm-up; gateway on CPU {GATEWAY_CPU}, wrk "
               f"and subgraphs on CPU {LOAD_CPU}.  \nNo-gateway ceiling (wrk straight at one "
               f"memoised subgraph call): {meta['subgraph_ceiling']}  \n"
               f"CPU share each gateway got during its load (1.0 = all of CPU 0): "
               f"{meta.get('gateway_cpu_share', 'not recorded')}  \n"
               f"subgraph req / req: POSTs the subgraphs received per client request during the "
               f"load. Limited by: the core busy at least {SATURATED:.0%} of the load (CPU "
               f"{GATEWAY_CPU}: the gateway; CPU {LOAD_CPU}: the subgraphs' single Node process "
               f"plus wrk); a row limited by subgraphs+wrk says little about its gateway's "
               f"ceiling.\n\n{table(report)}\n"
               f"<!-- federation:end -->\n")
    path = BENCH / "RESULTS.md"
    old = path.read_text() if path.exists() else "# Benchmark results\n\n"
    if "<!-- federation:begin -->" in old:
        head, rest = old.split("<!-- federation:begin -->", 1)
        old = head + section + rest.split("<!-- federation:end -->\n", 1)[1]
    else:
        old += section
    path.write_text(old)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load per gateway")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of unmeasured load first")
    parser.add_argument("--connections", type=int, default=50, help="concurrent connections")
    parser.add_argument("--only", nargs="*", help="measure only these gateways")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a checkout of the project (e.g. `git archive main | tar -x -C DIR`)"
                        " measured as the ours@baseline rows beside this one")
    parser.add_argument("--skip-storefront", action="store_true",
                        help="do not run the storefront scenario (tests/bench/storefront) after")
    args = parser.parse_args()
    args.command_line = " ".join(["python", "tests/bench/federation/run.py", *sys.argv[1:]])
    report = run(args)
    print(table(report))
    if not args.only:
        write(report)
    if not (args.only or args.skip_storefront):
        storefront = BENCH / "storefront" / "run.py"
        subprocess.run([sys.executable, str(storefront), "--duration", str(min(args.duration, 15)),
                        "--connections", str(args.connections)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
