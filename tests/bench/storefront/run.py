"""Storefront read path: the products page (prices, stock) and the viewer's cart through our
gateway, against the direct products subgraph call at the same concurrency (the ceiling).

Starts users, products and cart from ``subgraphs/`` on SQLite in a temporary directory (migrated
and seeded), composes them with our composer, signs in the seeded customer, puts two products in
the cart, then loads each path with wrk. Target (issue 8): gateway p95 <= 2x direct p95.
``python tests/bench/storefront/run.py --duration 15``

The direct call asks products for the page only, while the gateway also fetches the cart (which
asks products for prices and names itself, and provides the names): three subgraph requests on
the subgraphs' core instead of one. So the runner also measures a "direct, same data" ceiling:
two wrk runs at once, 50 connections each, straight at the subgraphs (the page at products, the
cart with its product names at cart with the same token), what 50 clients fetching the same data
from the subgraphs themselves, in parallel, would get: p95 = max(page p95, cart p95). Both
ratios are reported; the original one stays the target.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE.parent / "federation"))
import run as fed  # noqa: E402  (the federation runner's process and wrk helpers)

PY = str(ROOT / ".venv" / "bin" / "python")
PORTS = {"users": 4311, "products": 4312, "cart": 4313}
GATEWAY_PORT = 4310
CUSTOMER = ("alice@shop.local", "Customer-dev-2026")

PRODUCTS_PAGE = ("products(first: 20) { totalCount edges { node { id name "
                 "price { amount currency } stock } } }")
GATEWAY_QUERY = f"query Storefront {{ {PRODUCTS_PAGE} cart {{ items {{ quantity "\
                "product { name } } } }"
DIRECT_QUERY = f"query Storefront {{ {PRODUCTS_PAGE} }}"
DIRECT_CART_QUERY = "query Cart { cart { items { quantity product { name } } } }"


def subgraph_env(data_dir: Path) -> dict[str, str]:
    # Service auth off: the direct paths compared against the gateway have no service token
    # (its cost per request is measured apart: tests/bench/service_tokens.py).
    return {"DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING", "PRODUCTS_EVENT_WORKERS": "false",
            "SERVICE_AUTH_REQUIRED": "false",
            "CART_CONSUME_ORDER_EVENTS": "false",
            "CART_PRODUCTS_URL": f"http://127.0.0.1:{PORTS['products']}/graphql"}


def prepare(data_dir: Path) -> None:
    env = {**os.environ, **subgraph_env(data_dir)}
    for name in PORTS:
        for step in ("migrate", "seed"):
            subprocess.run([PY, "-m", f"subgraphs.{name}", step], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)


def compose(work: Path) -> Path:
    sdl = ROOT / "schema" / "subgraphs"
    lines = ["federation_version: =2.11.0", "subgraphs:"]
    for name, port in PORTS.items():
        lines += [f"  {name}:", f"    routing_url: http://127.0.0.1:{port}/graphql",
                  "    schema:", f"      file: {sdl / (name + '.graphql')}"]
    (work / "supergraph.yaml").write_text("\n".join(lines) + "\n")
    out = work / "supergraph.graphql"
    subprocess.run([PY, "-m", "gateway", "compose", str(work / "supergraph.yaml"), "-o", str(out)],
                   cwd=ROOT, check=True)
    return out


def graphql(url: str, query: str, token: str = "", variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = fed.urllib.request.Request(url, body, headers)
    with fed.urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def setup(url: str, query: str, token: str = "", variables: dict | None = None) -> dict:
    """A set-up call, which must not fail."""
    answer = graphql(url, query, token, variables)
    if answer.get("errors"):
        raise RuntimeError(f"set-up call failed: {query[:60]}: {answer['errors']}")
    return answer


def fill_cart(url: str) -> str:
    """Sign in the seeded customer and put two products in the cart; return the token."""
    login = setup(url, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) "
                         "{ token } }", variables={"e": CUSTOMER[0], "p": CUSTOMER[1]})
    token = login["data"]["login"]["token"]
    page = setup(url, f"{{ {PRODUCTS_PAGE} }}", token)["data"]["products"]["edges"]
    setup(url, "mutation { clearCart { version } }", token)
    for edge in page[:2]:
        setup(url, "mutation($id: ID!) { addToCart(productId: $id, quantity: 1) { version } }",
                token, {"id": edge["node"]["id"]})
    return token


def load(url: str, query: str, token: str, args: argparse.Namespace, work: Path,
         name: str, variables: dict | None = None) -> dict:
    return finish(start_load(url, query, token, args, work, name, variables), work, name)


def start_load(url: str, query: str, token: str, args: argparse.Namespace, work: Path,
               name: str, variables: dict | None = None,
               connections: int | None = None) -> subprocess.Popen:
    body = work / f"{name}.body.json"
    body.write_text(json.dumps({"query": query, **({"variables": variables} if variables else {})}))
    lua = work / f"{name}.lua"
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"\n' if token else ""
    lua.write_text((fed.HERE / "post.lua").read_text() + auth)
    env = {**os.environ, "BENCH_BODY": str(body), "BENCH_OUT": str(work / f"{name}.wrk.json")}
    return subprocess.Popen(["taskset", "-c", fed.LOAD_CPU, "wrk", "-t1",
                             f"-c{connections or args.connections}", f"-d{args.duration}s",
                             "--timeout", "30s", "-s", str(lua), url],
                            env=env, stdout=subprocess.DEVNULL)


def finish(proc: subprocess.Popen, work: Path, name: str) -> dict:
    if proc.wait() != 0:
        raise RuntimeError(f"wrk failed for {name}")
    r = json.loads((work / f"{name}.wrk.json").read_text())
    return {"rps": round(r["requests"] / r["seconds"], 1), "p50_ms": round(r["p50_us"] / 1e3, 2),
            "p95_ms": round(r["p95_us"] / 1e3, 2), "p99_ms": round(r["p99_us"] / 1e3, 2),
            "failed": r["errors"] + r["timeouts"] + r["non2xx"]}


def same_data(urls: dict[str, str], token: str, args: argparse.Namespace,
              work: Path, at_once: bool) -> dict:
    """The direct "same data" ceilings (see the docstring): both calls loaded at once on all
    connections (each client has its page and its cart in flight), or one after another, each
    alone on all connections (an optimistic bound: each call has the core to itself)."""
    parts = {"page": (urls["products"], DIRECT_QUERY, None, args.connections),
             "cart": (urls["cart"], DIRECT_CART_QUERY, None, args.connections)}
    kind = "once" if at_once else "alone"
    got: dict[str, dict]
    if at_once:
        procs = {part: start_load(url, query, token, args, work, f"{kind}_{part}", variables, c)
                 for part, (url, query, variables, c) in parts.items()}
        got = {part: finish(proc, work, f"{kind}_{part}") for part, proc in procs.items()}
    else:
        got = {part: load(url, query, token, args, work, f"{kind}_{part}", variables)
               for part, (url, query, variables, _c) in parts.items() if part != "page"}
        got["page"] = {}
    flat = {f"{part}_{key}": value for part, r in got.items() for key, value in r.items()
            if key != "failed"}
    cart = got["cart"]["p95_ms"]
    p95 = max(got["page"]["p95_ms"], cart) if got["page"] else cart
    return {"p95_ms": p95, **flat, "failed": sum(r.get("failed", 0) for r in got.values())}


def median(runs: list[dict]) -> dict:
    """Each figure's median over the rounds (failed: the sum)."""
    merged = {key: statistics.median(r[key] for r in runs) for key in runs[0] if key != "failed"}
    return {**merged, "failed": sum(r["failed"] for r in runs)}


def run(args: argparse.Namespace) -> dict:
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="storefront-"))
    prepare(work)
    supergraph = compose(work)
    env = subgraph_env(work)
    with contextlib.ExitStack() as stack:
        for name, port in PORTS.items():
            stack.enter_context(fed.process(
                [PY, "-m", f"subgraphs.{name}", "serve", "--port", str(port)], fed.LOAD_CPU,
                work / f"{name}.log", env, ROOT))
        for port in PORTS.values():
            fed.wait_port(port)
        gateway_env = {"GATEWAY_MODE": "production",
                       "GATEWAY_PERSISTED_QUERIES__ENABLED": "false",
                       "GATEWAY_COLLAPSE_REQUESTS": str(args.collapse).lower(),
                       "GATEWAY_TRAFFIC__ALL__DEDUPLICATE_QUERIES": str(args.collapse).lower()}
        stack.enter_context(fed.process(
            [PY, "-m", "gateway", "serve", "--supergraph", str(supergraph), "--host", "127.0.0.1",
             "--port", str(GATEWAY_PORT)], fed.GATEWAY_CPU, work / "gateway.log", gateway_env,
            ROOT))
        fed.wait_port(GATEWAY_PORT)
        gateway_url = f"http://127.0.0.1:{GATEWAY_PORT}/graphql"
        token = fill_cart(gateway_url)
        sample = graphql(gateway_url, GATEWAY_QUERY, token)
        direct_url = f"http://127.0.0.1:{PORTS['products']}/graphql"
        direct_sample = graphql(direct_url, DIRECT_QUERY, token)
        cart_url = f"http://127.0.0.1:{PORTS['cart']}/graphql"
        direct_cart = setup(cart_url, DIRECT_CART_QUERY, token)["data"]["cart"]["items"]
        valid = ("errors" not in sample and sample["data"]["cart"]["items"]
                 and sample["data"]["products"] == direct_sample["data"]["products"]
                 and sample["data"]["cart"]["items"] == direct_cart)
        print(f"storefront sample valid={bool(valid)}: {json.dumps(sample)[:300]}", flush=True)
        load(gateway_url, GATEWAY_QUERY, token, args, work, "warmup")
        # The paths take turns, round after round, and each figure is the median over rounds:
        # on a machine shared with other work, load that drifts then hits every path alike.
        paths = {"gateway": (gateway_url, GATEWAY_QUERY), "page_only": (gateway_url, DIRECT_QUERY),
                 "direct": (direct_url, DIRECT_QUERY)}
        rounds: dict[str, list[dict]] = {name: [] for name in [*paths, "at_once", "alone"]}
        urls = {"products": direct_url, "cart": cart_url}
        for _ in range(args.rounds):
            for name, (url, query) in paths.items():
                rounds[name].append(load(url, query, token, args, work, name))
            rounds["at_once"].append(same_data(urls, token, args, work, True))
            rounds["alone"].append(same_data(urls, token, args, work, False))
        gateway, page_only, direct, same, alone = (median(rounds[name]) for name in rounds)
    alone["p95_ms"] = max(alone["p95_ms"], direct["p95_ms"])  # the page alone is `direct`
    ratio = round(gateway["p95_ms"] / direct["p95_ms"], 2) if direct["p95_ms"] else None
    page_ratio = round(page_only["p95_ms"] / direct["p95_ms"], 2) if direct["p95_ms"] else None
    same_ratio = round(gateway["p95_ms"] / same["p95_ms"], 2) if same["p95_ms"] else None
    alone_ratio = round(gateway["p95_ms"] / alone["p95_ms"], 2) if alone["p95_ms"] else None
    return {"gateway": gateway, "gateway_products_only": page_only, "direct_products": direct,
            "direct_same_data": same, "direct_same_data_alone": alone, "p95_ratio": ratio,
            "p95_ratio_products_only": page_ratio, "p95_ratio_same_data": same_ratio,
            "p95_ratio_same_data_alone": alone_ratio,
            "target_met": ratio is not None and ratio <= 2, "valid": bool(valid),
            "products_on_page": len(sample["data"]["products"]["edges"]),
            "cart_items": len(sample["data"]["cart"]["items"]),
            "meta": {"command": args.command_line, "connections": args.connections,
                     "duration_s": args.duration, "rounds": args.rounds,
                     "collapse": args.collapse,
                     "load_before": load_before,
                     "load_after": os.getloadavg(),
                     "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                     "logs": str(work)}}


def write(report: dict) -> None:
    (fed.BENCH / "results").mkdir(exist_ok=True)
    (fed.BENCH / "results" / "storefront.json").write_text(json.dumps(report, indent=2) + "\n")
    g, d, meta = report["gateway"], report["direct_products"], report["meta"]
    o, same = report["gateway_products_only"], report["direct_same_data"]
    alone = report["direct_same_data_alone"]

    def row(label: str, r: dict, prefix: str = "") -> str:
        return (f"| {label} | {r[prefix + 'rps']} | {r[prefix + 'p50_ms']} | "
                f"{r[prefix + 'p95_ms']} | {r[prefix + 'p99_ms']} | "
                f"{r['failed'] if not prefix else ''} |\n")

    section = (
        "<!-- storefront:begin -->\n## Storefront read path (latest run)\n\n"
        f"Command: `{meta['command']}`  \nDate: {meta['date']}  \nLoad average before: "
        f"{', '.join(f'{x:.2f}' for x in meta['load_before'])}, after: "
        f"{', '.join(f'{x:.2f}' for x in meta['load_after'])}  \n"
        f"{meta['connections']} connections, {meta['duration_s']} s per load, the paths "
        f"taking turns for {meta['rounds']} rounds, medians shown; gateway on CPU "
        f"{fed.GATEWAY_CPU}; users, products, cart (SQLite) and wrk on CPU {fed.LOAD_CPU}; "
        + ("request collapsing and subgraph deduplication on (their defaults: every connection "
           "sends one user's identical request, so concurrent ones share one execution, which "
           "many shoppers' requests would not). "
           if meta.get("collapse") else
           "request collapsing and subgraph deduplication off, so each request is executed as "
           "a different shopper's would be (the connections all send one user's request). ") +
        f"Page: {report['products_on_page']} products with price and stock, plus the signed-in "
        f"viewer's cart ({report['cart_items']} items, with product names) through the gateway; "
        "the direct call asks the products subgraph for the same page without the cart.\n\n"
        "| path | RPS | p50 ms | p95 ms | p99 ms | failed |\n|---|---:|---:|---:|---:|---:|\n"
        + row("gateway (products + cart)", g)
        + row("gateway (products page only)", o)
        + row("direct products subgraph (page only)", d)
        + row("same data direct, at once: page at products", same, "page_")
        + row("same data direct, at once: cart with product names at cart", same, "cart_")
        + row("same data direct, alone: cart with product names at cart", alone, "cart_")
        + f"\np95 ratio gateway / direct: **{report['p95_ratio']}** (target <= 2: "
        f"{'met' if report['target_met'] else 'not met'}); products page alone "
        f"through the gateway: {report['p95_ratio_products_only']}; responses valid: "
        f"{report['valid']}.\n\n"
        "The direct call is not the same work: through the gateway the page costs three subgraph "
        "requests on the subgraphs' core (the page, the cart, the cart's own lookup of prices "
        "and names at products), the direct call one. Same-data ceilings, p95 = max(page, cart): "
        f"the two direct calls loaded at once (each on {meta['connections']} connections, "
        f"{same['failed']} failed): {same['p95_ms']} ms, gateway p95 / that: "
        f"**{report['p95_ratio_same_data']}**; each call alone on {meta['connections']} "
        f"connections (optimistic, each has the core to itself; {alone['failed']} failed): "
        f"{alone['p95_ms']} ms, gateway p95 / that: **{report['p95_ratio_same_data_alone']}**."
        "\n"
        "<!-- storefront:end -->\n")
    path = fed.BENCH / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    if "<!-- storefront:begin -->" in text:
        head, rest = text.split("<!-- storefront:begin -->", 1)
        text = head + section + rest.split("<!-- storefront:end -->\n", 1)[1]
    else:
        text += "\n" + section
    path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per path")
    parser.add_argument("--connections", type=int, default=50, help="concurrent connections")
    parser.add_argument("--rounds", type=int, default=3, help="turns each path takes")
    parser.add_argument("--collapse", action="store_true",
                        help="leave the gateway's request collapsing and subgraph deduplication "
                        "on (its defaults); off by default here: every connection sends the same "
                        "user's request, which they would answer from one execution, unlike the "
                        "requests of many shoppers")
    args = parser.parse_args()
    args.command_line = " ".join(["python", "tests/bench/storefront/run.py", *sys.argv[1:]])
    report = run(args)
    print(json.dumps({k: v for k, v in report.items() if k != "meta"}, indent=1))
    write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
