"""Profile our gateway under the federation load with py-spy; print the hottest frames.

Same set-up as run.py (Node subgraphs and wrk on CPU 1, gateway on CPU 0, 50 connections);
py-spy samples the gateway for ``--seconds`` while wrk runs. ``--pythonpath DIR`` prepends DIR to
the gateway's PYTHONPATH, to try a dependency change without touching the venv.
``python tests/bench/federation/profile.py --seconds 20 --out /tmp/ours.txt``
(needs ``.venv/bin/pip install py-spy``; not a project dependency)
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as fed


def summarise(raw: Path, top: int) -> str:
    """Self and inclusive percentages of py-spy's collapsed stacks, plus time by package."""
    own, incl, packages, total = (collections.Counter(), collections.Counter(),
                                  collections.Counter(), 0)
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        frames, n = stack.split(";"), int(count)
        total += n
        own[frames[-1]] += n
        packages[_package(frames[-1])] += n
        for frame in set(frames):
            incl[frame] += n
    lines = [f"samples: {total}", "", "self time by package:"]
    lines += [f"  {100 * n / total:5.1f}%  {p}" for p, n in packages.most_common(top)]
    lines += ["", "self time by frame:"]
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines += ["", "inclusive time by frame:"]
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in incl.most_common(top * 2)]
    return "\n".join(lines)


def _package(frame: str) -> str:
    where = frame.rsplit("(", 1)[-1]
    if where.startswith("<frozen importlib"):
        return "importlib (import machinery)"
    return where.split("/")[0].split(".py")[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--pythonpath", default="", help="prepended to the gateway's PYTHONPATH")
    parser.add_argument("--env", action="append", default=[],
                        help="extra NAME=VALUE for the gateway, e.g. a GATEWAY_* option")
    parser.add_argument("--out", type=Path, default=None, help="raw collapsed stacks file")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    fed.ensure_tools()
    work = Path(tempfile.mkdtemp(prefix="fedprofile-"))
    supergraph = fed.write_supergraph(work)
    body = fed.request_body()
    (work / "body.json").write_bytes(body)
    argv, env, _ = fed.gateways(supergraph)["ours"]
    if args.pythonpath:
        env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [args.pythonpath,
                                                                  os.environ.get("PYTHONPATH")]))}
    env = {**env, **dict(item.split("=", 1) for item in args.env)}
    raw = args.out or work / "profile.txt"
    subgraphs = ["node", str(fed.HERE / "subgraphs.mjs"), str(fed.SUBGRAPH_BASE_PORT)]
    with fed.process(subgraphs, fed.LOAD_CPU, work / "subgraphs.log"):
        for offset in range(len(fed.SUBGRAPHS)):
            fed.wait_port(fed.SUBGRAPH_BASE_PORT + offset)
        with fed.process(argv, fed.GATEWAY_CPU, work / "ours.log", env, fed.ROOT) as proc:
            fed.wait_port(fed.GATEWAY_PORT, 90)
            url = f"http://127.0.0.1:{fed.GATEWAY_PORT}/graphql"
            ok, why = fed.check(url, body, fed.expected_response(), 5)
            print(f"correct: {ok} {why[:200]}", flush=True)
            fed.wrk(url, work / "body.json", 5, args.connections, work / "warmup.json")
            load: dict = {}
            loader = threading.Thread(target=lambda: load.update(fed.wrk(
                url, work / "body.json", args.seconds + 4, args.connections, work / "load.json")))
            loader.start()
            cpu0 = fed.cpu_seconds(proc.pid)
            spy = str(fed.ROOT / ".venv" / "bin" / "py-spy")
            subprocess.run(["taskset", "-c", fed.LOAD_CPU, spy,
                            "record", "-p", str(proc.pid), "-d", str(args.seconds), "-r", "100",
                            "-f", "raw", "-o", str(raw), "--nonblocking"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cpu = fed.cpu_seconds(proc.pid) - cpu0
            loader.join()
    rps = load["requests"] / load["seconds"]
    print(json.dumps({"rps": round(rps, 1), "p50_ms": load["p50_us"] / 1e3,
                      "cpu_s_per_1k_approx": round(cpu / (rps * args.seconds) * 1000, 2)}))
    print(summarise(raw, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
