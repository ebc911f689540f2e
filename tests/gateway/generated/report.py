"""Run the generated corpus and report: agreement counts, our failures grouped by root cause,
shrunk examples kept under cases/, and the known-failure list.

    python -m tests.gateway.generated.report                 # counts and groups
    python -m tests.gateway.generated.report --write-known   # rewrite known_failures.json
    python -m tests.gateway.generated.report --shrink 1      # keep N shrunk examples per group
    python -m tests.gateway.generated.report --shrink-ops g7/q1   # shrink and keep these
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from tests.gateway.harness import asgi_poster

from .api_schema import api_schema
from .compare import first_difference, judge
from .corpus import CASES_DIR
from .expected import Expectation
from .model import GeneratedCase
from .runner import ask_one, serving
from .session import KNOWN_FILE, SEEDS, Run, run_corpus
from .shrink import shrink_operation

__all__ = ["main", "signature"]


def _field_kind(name: str) -> str:
    if re.fullmatch(r"x[a-d]", name):
        return "a field an @interfaceObject subgraph adds"
    if re.fullmatch(r"q[a-d]\d+", name):
        return "a @requires field"
    return "a field"


def _field_named(query: str, key: str) -> str:
    """The field a response key names (its alias resolved)."""
    found = re.search(rf"\b{re.escape(key)}: (\w+)", query)
    return found.group(1) if found else key


def signature(ours: dict[str, Any], world: dict[str, Any], failure_class: str,
              query: str) -> str:
    """A root-cause guess: the class, then our first error's message with names and numbers
    blanked, or where the first data difference is (root field kind, field kind, null or not).
    """
    errors = ours.get("errors") or []
    if errors and not world.get("errors"):
        message = re.sub(r'"[^"]*"|\'[^\']*\'|\b[A-Za-z]+\d+\b|\d+', "_", errors[0]["message"])
        return f"{failure_class}: {message[:120]}"
    path, mine, theirs = first_difference(ours.get("data"), world.get("data"))
    keys = [_field_named(query, p) for p in path if isinstance(p, str)]
    if not keys:
        return f"{failure_class}: whole answer differs"
    root = {"io": "an @interfaceObject root", "i0": "an interface root",
            "u0": "a union root"}.get(keys[0][:2], "an entity root")
    state = "null" if mine is None else "a value" if theirs is None else "another value"
    return f"{failure_class}: {_field_kind(keys[-1])} under {root} is {state}"


def groups(run: Run) -> dict[str, list[str]]:
    by_cause: dict[str, list[str]] = defaultdict(list)
    for op_id, failure_class in run.failures().items():
        answers = run.answers[op_id]
        by_cause[signature(answers["ours"], answers["world"], failure_class,
                           run.requests[op_id]["query"])].append(op_id)
    return dict(sorted(by_cause.items(), key=lambda kv: -len(kv[1])))


async def _shrink_one(client: httpx.AsyncClient, served: Any, create_app: Any,
                      case: GeneratedCase, supergraph: str, body: dict[str, Any],
                      cause: str) -> dict[str, Any]:
    """`body` reduced while it keeps failing for the same `cause`."""
    failure_class = cause.split(":")[0]
    expectation = Expectation(supergraph, case.world)
    async with asgi_poster(create_app(served.supergraphs[case.name])) as post:

        async def still_fails(trial: dict[str, Any]) -> bool:
            answers = await ask_one(client, served, post, case, trial)
            answers["world"] = expectation.answer(trial)
            return not judge(answers).ok and cause == signature(
                answers["ours"], answers["world"], failure_class, trial["query"])

        return await shrink_operation(api_schema(supergraph), body, still_fails)


async def _shrink_all(run: Run, examples: dict[str, list[str]], workdir: Path) -> list[Path]:
    from gateway.app import create_app

    supergraphs = {c.case.name: c.supergraph for c in run.corpus.composed}
    composed = {run.cases[o].name: (run.cases[o], supergraphs[run.cases[o].name])
                for op_ids in examples.values() for o in op_ids}
    written = []
    with serving(composed, workdir) as served:
        async with httpx.AsyncClient(timeout=60) as client:
            for cause, op_ids in examples.items():
                for op_id in op_ids:
                    case = run.cases[op_id]
                    body = await _shrink_one(client, served, create_app, case,
                                             supergraphs[case.name], run.requests[op_id], cause)
                    written.append(_keep(case, op_id, body, cause))
    return written


def _keep(case: GeneratedCase, op_id: str, body: dict[str, Any], cause: str) -> Path:
    failure_class, _, reason = cause.partition(": ")
    CASES_DIR.mkdir(exist_ok=True)  # empty (so not in git) while no failure is kept
    path = CASES_DIR / f"{op_id.replace('/', '-')}.json"
    path.write_text(json.dumps({
        "class": failure_class, "reason": reason, "found_as": op_id, "operation": body,
        "sdl": case.sdl, "world": case.world.to_json()}, indent=1) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(SEEDS))
    parser.add_argument("--write-known", action="store_true")
    parser.add_argument("--shrink", type=int, default=0, metavar="N")
    parser.add_argument("--shrink-ops", default="", metavar="ID,ID",
                        help="shrink these failing operations (e.g. g7/q1) instead")
    parser.add_argument("--dump", type=Path, help="write every answer to this JSON file")
    args = parser.parse_args(argv)
    from gateway.app import create_app

    workdir = Path(tempfile.mkdtemp(prefix="generated-"))
    run = run_corpus(workdir, create_app, range(args.seeds))
    print(json.dumps(run.counts(), indent=1, sort_keys=True))
    print("seconds:", {phase: round(t) for phase, t in run.seconds.items()})
    by_cause = groups(run)
    for cause, op_ids in by_cause.items():
        print(f"{len(op_ids):4d}  {cause}\n      e.g. {', '.join(op_ids[:6])}")
    if args.dump:
        args.dump.write_text(json.dumps({"answers": run.answers, "requests": run.requests}))
    if args.write_known:
        known = {op_id: {"class": cause.split(":")[0], "cause": cause}
                 for cause, op_ids in by_cause.items() for op_id in op_ids
                 if not op_id.endswith("/kept")}
        KNOWN_FILE.write_text(json.dumps(dict(sorted(known.items())), indent=1) + "\n")
    wanted = set(filter(None, args.shrink_ops.split(",")))
    if args.shrink or wanted:
        examples = {cause: [o for o in op_ids if not o.endswith("/kept")
                            and (o in wanted or not wanted)][:args.shrink or len(op_ids)]
                    for cause, op_ids in by_cause.items()}
        examples = {cause: op_ids for cause, op_ids in examples.items() if op_ids}
        (workdir / "shrink").mkdir()
        for path in asyncio.run(_shrink_all(run, examples, workdir / "shrink")):
            print(f"kept {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
