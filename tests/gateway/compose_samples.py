"""Regenerate the samples' supergraphs, or record expected responses from Apollo Gateway.

    .venv/bin/python -m tests.gateway.compose_samples [--check] [case ...]
    .venv/bin/python -m tests.gateway.compose_samples --record [--force] [case ...]

`--record` writes Apollo Gateway's answer into each operation's `.json` that has no
`response` yet (all of them with `--force`, except those marked `oracle_wrong`). A recorded
answer is a draft: read it and correct it by hand before committing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from tests.gateway.harness import (
    Case,
    OracleProcess,
    SubgraphServer,
    all_cases,
    compose_supergraphs,
    oracle_available,
    sample_gateways,
    without_builtin_types,
)

__all__ = ["main"]


def compose(case: Case, fresh: str, check: bool) -> bool:
    current = case.supergraph_path.read_text() if case.supergraph_path.exists() else ""
    if fresh == current:
        return True
    if check:
        print(f"stale: {case.supergraph_path}")
        return False
    case.supergraph_path.write_text(fresh)
    print(f"wrote {case.supergraph_path}")
    return True


def draft(response: dict) -> dict:
    """Keep what a client may rely on: data, and each error's message, path and locations."""
    out = {"data": response["data"]} if "data" in response else {}
    if "errors" in response:
        keep = ("message", "path", "locations")
        out["errors"] = [{k: e[k] for k in keep if k in e} for e in response["errors"]]
    return out


def record(case: Case, force: bool) -> None:
    subgraphs = SubgraphServer(case).start()
    process = OracleProcess(sample_gateways({case.name: subgraphs.urls}), Path(tempfile.mkdtemp()))
    oracle = process.gateways[case.name]
    try:
        for op in case.operations:
            if op.oracle_wrong or (op.response is not None and not force):
                continue
            case.reset()
            subgraphs.requests.clear()
            subgraphs.representations.clear()
            file = case.path / "operations" / f"{op.name}.json"
            spec = json.loads(file.read_text()) if file.exists() else {"variables": {}}
            spec["response"] = draft(oracle.execute(op.body))
            if not op.builtin_types:
                spec["response"]["data"] = without_builtin_types(spec["response"]["data"])
            # An empty bound ({}) asks for Apollo's counts as a draft; set ones are kept.
            if spec.get("subgraph_requests") == {}:
                spec["subgraph_requests"] = dict(sorted(subgraphs.requests.items()))
            if spec.get("entity_representations") == {}:
                spec["entity_representations"] = dict(sorted(subgraphs.representations.items()))
            file.write_text(json.dumps(spec, indent=2) + "\n")
            print(f"recorded {op.id}")
    finally:
        process.stop()
        subgraphs.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="*", help="case folder names (default: all)")
    parser.add_argument("--check", action="store_true", help="fail if a supergraph is stale")
    parser.add_argument("--record", action="store_true", help="record oracle responses")
    parser.add_argument("--force", action="store_true", help="re-record existing responses")
    args = parser.parse_args(argv)
    if reason := oracle_available():
        print(f"cannot run: {reason}")
        return 2
    cases = [c for c in all_cases() if not args.cases or c.name in args.cases]
    composed = compose_supergraphs(cases)
    ok = True
    for case in cases:
        ok = compose(case, composed[case.name], args.check) and ok
        if args.record and ok:
            record(case, args.force)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
