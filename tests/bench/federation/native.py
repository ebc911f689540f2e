"""What compiling the executor's hot modules with mypyc would save: pipeline CPU, A/B.

Copies the committed tree (``git archive HEAD``) twice into a temporary folder, builds the
native modules in one copy (``infra.native``, as ``make native`` does; the other copy stays pure
Python), runs the executor tests against the compiled copy, then ``executor.py`` (the pipeline
alone on recorded subgraph answers) in each copy in turn. For the whole gateway, pass the
compiled copy to ``run.py --baseline``.
``python tests/bench/federation/native.py --rounds 3``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
from infra import native  # noqa: E402


def checkout(into: Path) -> Path:
    """The committed tree in ``into``, sharing this folder's node_modules."""
    into.mkdir()
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / HERE.relative_to(ROOT) / "node_modules").symlink_to(HERE / "node_modules")
    return into


def pipeline_cpu(tree: Path, requests: int, port: int) -> dict:
    """executor.py run from ``tree`` (``python -m``-style: the tree's gateway is imported)."""
    script = tree / HERE.relative_to(ROOT) / "executor.py"
    out = subprocess.run([sys.executable, str(script), "--requests", str(requests),
                          "--subgraph-port", str(port)], cwd=tree, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--subgraph-port", type=int, default=4611)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fednative-"))
    pure, compiled = checkout(work / "pure"), checkout(work / "compiled")
    built = [p.name for p in native.build(compiled)]
    print(f"compiled: {built}", flush=True)
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/gateway/executor"], cwd=compiled, capture_output=True,
                           text=True)
    print(f"executor tests against the compiled modules: {tests.stdout.strip().splitlines()[-1]}",
          flush=True)
    results: dict[str, list[float]] = {"pure": [], "compiled": []}
    for _ in range(args.rounds):
        for name, tree in (("pure", pure), ("compiled", compiled)):
            measured = pipeline_cpu(tree, args.requests, args.subgraph_port)
            results[name].append(measured["min_batch_ms"])
            print(f"{name}: {measured}", flush=True)
    best = {name: min(values) for name, values in results.items()}
    print(json.dumps({"min_batch_ms": best, "compiled / pure": round(
        best["compiled"] / best["pure"], 3), "work": str(work)}))
    return 0 if tests.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
