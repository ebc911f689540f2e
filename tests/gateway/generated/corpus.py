"""The fixed corpus: seeded cases, composed in one node call, with their valid operations."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.gateway.harness import ORACLE_DIR

from .api_schema import api_schema
from .choices import SeededChoices
from .model import GeneratedCase
from .operations import GeneratedOperation, build_operation, is_valid
from .shapes import build_case

__all__ = ["CASES_DIR", "Composed", "Corpus", "build_corpus", "compose", "replayed_cases"]

CASES_DIR = Path(__file__).parent / "cases"


@dataclass
class Composed:
    """A case that composed, its supergraph and its operations (id -> operation)."""

    case: GeneratedCase
    supergraph: str
    operations: dict[str, GeneratedOperation] = field(default_factory=dict)


@dataclass
class Corpus:
    """Composed cases, and how many were generated, discarded and why."""

    composed: list[Composed]
    counts: Counter[str] = field(default_factory=Counter)

    def operations(self) -> list[tuple[Composed, str, GeneratedOperation]]:
        return [(c, op_id, op) for c in self.composed for op_id, op in c.operations.items()]


def compose(cases: list[GeneratedCase]) -> dict[str, dict[str, object]]:
    """Each case's {"supergraph"} or {"errors"}, from @theguild/federation-composition."""
    done = subprocess.run(
        ["node", str(ORACLE_DIR / "compose.mjs")],
        input=json.dumps({c.name: c.services() for c in cases}),
        capture_output=True, text=True, cwd=ORACLE_DIR, check=True,
    )
    return json.loads(done.stdout)


def build_corpus(seeds: range, operations_per_case: int) -> Corpus:
    """Cases from `seeds`; each composed case gets up to `operations_per_case` valid operations."""
    cases = [build_case(SeededChoices(seed), f"g{seed}") for seed in seeds]
    corpus = Corpus([], Counter(generated=len(cases)))
    for case, result in zip(cases, compose(cases).values(), strict=True):
        if "errors" in result:
            corpus.counts["did not compose"] += 1
            continue
        supergraph = str(result["supergraph"])
        composed = Composed(case, supergraph)
        schema = api_schema(supergraph)
        choices = SeededChoices(hash_seed(case.name))
        for i in range(operations_per_case):
            op = build_operation(choices, schema, case.world)
            if is_valid(schema, op):
                composed.operations[f"{case.name}/q{i}"] = op
            else:
                corpus.counts["invalid operation"] += 1
        corpus.composed.append(composed)
    corpus.counts["composed"] = len(corpus.composed)
    corpus.counts["operations"] = sum(len(c.operations) for c in corpus.composed)
    return corpus


def hash_seed(name: str) -> int:
    # A stable seed per case name (str hashes vary between Python runs).
    return int.from_bytes(name.encode(), "big") % (2**32)


def replayed_cases() -> list[tuple[Path, dict[str, object]]]:
    """The kept failing examples: `cases/*.json`."""
    return [(p, json.loads(p.read_text())) for p in sorted(CASES_DIR.glob("*.json"))]
