"""One run of the generated corpus (and the kept failing cases) through all three gateways."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compare import Verdict, agree, classify, judge, paths_agree
from .corpus import CASES_DIR, Corpus, build_corpus, compose
from .expected import Expectation
from .model import GeneratedCase
from .runner import Answers, Asked, ask_all, serving

__all__ = [
    "KNOWN_FILE",
    "OPERATIONS_PER_CASE",
    "SEEDS",
    "KeptCase",
    "Run",
    "kept_cases",
    "known_failures",
    "run_corpus",
]

SEEDS = range(240)
OPERATIONS_PER_CASE = 12
KNOWN_FILE = Path(__file__).parent / "known_failures.json"


@dataclass(frozen=True)
class KeptCase:
    """A shrunk failing example kept as data: `cases/<name>.json`."""

    path: Path
    case: GeneratedCase
    operation: dict[str, Any]  # {"query", "variables"}
    failure_class: str
    reason: str

    @property
    def op_id(self) -> str:
        return f"{self.case.name}/kept"

    @classmethod
    def load(cls, path: Path) -> KeptCase:
        data = json.loads(path.read_text())
        case = GeneratedCase.from_json({**data, "name": f"kept-{path.stem}"})
        return cls(path, case, data["operation"], data["class"], data["reason"])


def kept_cases() -> list[KeptCase]:
    return [KeptCase.load(p) for p in sorted(CASES_DIR.glob("*.json"))]


def known_failures() -> dict[str, dict[str, str]]:
    """Corpus operations we are known to get wrong: op id -> {"class", "reason"}."""
    return json.loads(KNOWN_FILE.read_text()) if KNOWN_FILE.exists() else {}


@dataclass
class Run:
    """Every answer of one run, with the counts a report needs."""

    corpus: Corpus
    answers: Answers
    requests: dict[str, dict[str, Any]]  # op id -> request body
    cases: dict[str, GeneratedCase]  # op id -> its case
    broken: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> wall-clock seconds

    def verdict(self, op_id: str) -> Verdict:
        return judge(self.answers[op_id])

    def failures(self, op_ids: list[str] | None = None) -> dict[str, str]:
        """Failing op ids -> class of the failure."""
        failing = {}
        for op_id in op_ids if op_ids is not None else list(self.answers):
            answers = self.answers[op_id]
            if not self.verdict(op_id).ok:
                failing[op_id] = classify(answers["ours"], answers["world"])
        return failing

    def counts(self) -> Counter[str]:
        counts = Counter(self.corpus.counts)
        counts["subgraph schema refused"] = len(self.broken)
        for op_id, a in self.answers.items():
            if op_id.endswith("/kept"):
                continue
            verdict = self.verdict(op_id)
            counts["compared"] += 1
            counts["ours = world"] += verdict.ok
            counts["apollo = world"] += verdict.apollo_right
            counts["ours = apollo"] += agree(a["ours"], a["apollo"])
            if a["ours"].get("errors") and a["apollo"].get("errors"):
                counts["both ours and apollo with errors"] += 1
                counts["... at the same paths"] += paths_agree(a["ours"], a["apollo"])
            if verdict.hive_right is None:
                counts["hive planner panicked"] += 1
                continue
            counts["hive answered"] += 1
            counts["hive = world"] += verdict.hive_right
            counts["ours = hive"] += agree(a["ours"], a["hive"])
            counts["apollo = hive"] += agree(a["apollo"], a["hive"])
            if not agree(a["apollo"], a["hive"]):
                right = {(True, False): "apollo", (False, True): "hive", (True, True): "both",
                         (False, False): "neither"}[(verdict.apollo_right, verdict.hive_right)]
                counts[f"references differ, right: {right}"] += 1
        return counts


def run_corpus(workdir: Path, create_app: Any, seeds: range = SEEDS,
               operations_per_case: int = OPERATIONS_PER_CASE) -> Run:
    """Generate, compose, serve and ask: the whole corpus plus the kept cases."""
    started = time.monotonic()
    phases: dict[str, float] = {}
    corpus = build_corpus(seeds, operations_per_case)
    kept = kept_cases()
    kept_composed = compose([k.case for k in kept]) if kept else {}
    composed = {c.case.name: (c.case, c.supergraph) for c in corpus.composed}
    asked: list[Asked] = [(op_id, c.case, op.to_json()) for c, op_id, op in corpus.operations()]
    for k in kept:
        result = kept_composed[k.case.name]
        if "errors" in result:
            raise RuntimeError(f"kept case {k.path.name} no longer composes: {result['errors']}")
        composed[k.case.name] = (k.case, str(result["supergraph"]))
        asked.append((k.op_id, k.case, k.operation))
    phases["generate and compose"] = time.monotonic() - started
    with serving(composed, workdir) as served:
        phases["start node processes"] = time.monotonic() - started - sum(phases.values())
        answers = ask_all(create_app, served, asked)
        phases["ask"] = time.monotonic() - started - sum(phases.values())
    expectations = {name: Expectation(sdl, case.world) for name, (case, sdl) in composed.items()}
    for op_id, case, body in asked:
        if op_id in answers:
            answers[op_id]["world"] = expectations[case.name].answer(body)
    phases["expected answers"] = time.monotonic() - started - sum(phases.values())
    return Run(corpus, answers, {op_id: body for op_id, _, body in asked},
               {op_id: case for op_id, case, _ in asked}, served.broken, phases)
