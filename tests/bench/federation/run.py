"""Federation benchmark: our gateway beside Apollo Gateway and Hive Gateway, one run, one machine.

Starts the four Node benchmark subgraphs (memoised, pinned to CPU 1), then each gateway in turn
pinned to CPU 0; checks that TestQuery answers the expected response, drives it with wrk (CPU 1)
at fixed concurrency, and records RPS, latency percentiles, CPU seconds per 1,000 requests of the
gateway's process tree (/proc/<pid>/stat) and peak RSS. Writes tests/bench/results/latest.json
and tests/bench/RESULTS.md.  ``python tests/bench/federation/run.py --duration 30``
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime
import json
import os
import platform
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
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_MB = 1 / 1024  # VmRSS is in kB


# ---------------------------------------------------------------- set-up

def ensure_tools() -> None:
    """npm ci when node_modules is missing; wrk from Debian when absent."""
    if not (HERE / "node_modules" / ".package-lock.json").exists():
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
    env = {**os.environ, "BENCH_BODY": str(body_file), "BENCH_OUT": str(out)}
    subprocess.run(["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
                    "--timeout", "30s", "-s", str(HERE / "post.lua"), url],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def measure(name: str, url: str, pid: int, args: argparse.Namespace, work: Path,
            body: bytes, expected: dict) -> dict:
    body_file = work / "body.json"
    body_file.write_bytes(body)
    valid, why = check(url, body, expected, 20)
    print(f"  [{name}] correctness before load: {why[:300]}", flush=True)
    wrk(url, body_file, args.warmup, args.connections, work / "warmup.json")
    rss = PeakRss(pid)
    rss.start()
    cpu0 = cpu_seconds(pid)
    load = wrk(url, body_file, args.duration, args.connections, work / f"{name}.wrk.json")
    cpu = cpu_seconds(pid) - cpu0
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
    return {
        "rps": round(requests / load["seconds"], 1),
        "p50_ms": round(load["p50_us"] / 1000, 2),
        "p95_ms": round(load["p95_us"] / 1000, 2),
        "p99_ms": round(load["p99_us"] / 1000, 2),
        "cpu_s_per_1k": round(cpu / requests * 1000, 3) if requests else None,
        "peak_rss_mb": round(rss.peak, 1),
        "valid": bool(valid and after and load["non2xx"] == 0 and requests > 0),
        "_failures": failures,
        "_cpu_share": round(cpu / load["seconds"], 2),
    }


# ---------------------------------------------------------------- the gateways

def our_dedup_option() -> str | None:
    """The GatewayConfig option for inbound request collapsing, if the gateway has one."""
    sys.path.insert(0, str(ROOT))
    from gateway.config import GatewayConfig

    for field in GatewayConfig.model_fields:
        if any(word in field for word in ("dedup", "collaps", "coalesc")):
            return field
    return None


def gateways(supergraph: Path) -> dict[str, tuple[list[str], dict] | str]:
    python = str(ROOT / ".venv" / "bin" / "python")
    ours = [python, "-m", "gateway", "serve", "--supergraph", str(supergraph),
            "--host", "127.0.0.1", "--port", str(GATEWAY_PORT)]
    ours_env = {"GATEWAY_MODE": "production", "GATEWAY_PERSISTED_QUERIES__ENABLED": "false"}
    dedup = our_dedup_option()
    hive = [str(HERE / "node_modules" / ".bin" / "hive-gateway"), "supergraph", str(supergraph),
            "--port", str(GATEWAY_PORT), "--host", "127.0.0.1", "--fork", "1",
            "--polling", "24h", "-c", str(HERE / "hive.config.mjs")]
    node_env = {"NODE_ENV": "production"}
    # Tracing as production runs it: 10 % of new traces kept, exported over OTLP/HTTP to a
    # local sink (metrics are always on: every "ours" row pays for them).
    tracing_env = {**ours_env, "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{OTLP_SINK_PORT}",
                   "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
                   "OTEL_TRACES_SAMPLER_ARG": "0.1"}
    return {
        "ours": (ours, ours_env),
        "ours+tracing": (ours, tracing_env),
        "ours+dedup": (ours, {**ours_env, f"GATEWAY_{dedup.upper()}": "true"}) if dedup
        else "not implemented: gateway/config.py has no inbound request collapsing option",
        "apollo-gateway": (["node", str(HERE / "apollo.mjs"), str(supergraph),
                            str(GATEWAY_PORT)], node_env),
        "hive-gateway": (hive, {**node_env, "BENCH_DEDUP": "0"}),
        "hive-gateway-rust-planner": ([*hive, "--hive-router-runtime"],
                                      {**node_env, "BENCH_DEDUP": "0"}),
        "hive-gateway-rust-planner+dedup": ([*hive, "--hive-router-runtime"],
                                            {**node_env, "BENCH_DEDUP": "1"}),
    }


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
    body, expected = request_body(), expected_response()
    results: dict[str, dict] = {}
    notes: dict[str, str] = {}
    cpu_share: dict[str, float | None] = {}  # CPU-seconds the gateway got per second of load
    subgraphs = ["node", str(HERE / "subgraphs.mjs"), str(SUBGRAPH_BASE_PORT)]
    with process(subgraphs, LOAD_CPU, work / "subgraphs.log"), otlp_sink():
        for offset in range(len(SUBGRAPHS)):
            wait_port(SUBGRAPH_BASE_PORT + offset)
        meta_ceiling = ceiling(args, work)
        print(f"subgraph ceiling (one memoised call, no gateway): {meta_ceiling}", flush=True)
        for name, spec in gateways(supergraph).items():
            if args.only and name not in args.only:
                continue
            if isinstance(spec, str):
                print(f"{name}: {spec}", flush=True)
                notes[name] = spec
                results[name] = dict.fromkeys(("rps", "p50_ms", "p95_ms", "p99_ms",
                                               "cpu_s_per_1k", "peak_rss_mb", "valid"))
                continue
            argv, env = spec
            print(f"{name}: starting", flush=True)
            cwd = ROOT if name.startswith("ours") else HERE
            with process(argv, GATEWAY_CPU, work / f"{name}.log", env, cwd) as proc:
                try:
                    wait_port(GATEWAY_PORT, 90)
                    results[name] = measure(name, f"http://127.0.0.1:{GATEWAY_PORT}/graphql",
                                            proc.pid, args, work, body, expected)
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
    rows = ["| gateway | RPS | p50 ms | p95 ms | p99 ms | CPU s / 1k req | peak RSS MB | valid |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in report["gateways"].items():
        if r["rps"] is None:
            rows.append(f"| {name} | {report['meta']['notes'].get(name, 'n/a')} ||||||| ")
            continue
        rows.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                    f"{r['cpu_s_per_1k']} | {r['peak_rss_mb']} | {r['valid']} |")
    return "\n".join(rows) + "\n\n" + ratios(report["gateways"])


def ratios(gateways: dict[str, dict]) -> str:
    """Ours beside each peer: RPS ratio (higher is better) and CPU ratio (lower is better)."""
    lines = ["| ours / peer | RPS ratio | CPU-s per 1k ratio | peak RSS ratio |",
             "|---|---:|---:|---:|"]
    for mode in ("ours", "ours+dedup"):
        mine = gateways.get(mode) or {}
        if mine.get("rps") is None:
            continue
        for peer, theirs in gateways.items():
            if peer.startswith("ours") or theirs.get("rps") is None:
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
               f"{meta.get('gateway_cpu_share', 'not recorded')}\n\n{table(report)}\n"
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
