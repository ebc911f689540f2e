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
    """Each case's {"supergraph"} or {"errors"}, from @theguild/federation-composition; a case
    Apollo's composition refuses counts as not composed too (`{"errors", "apollo": True}`): the
    Guild composer accepts shapes the Federation rules forbid (an @interfaceObject subgraph
    that also defines the interface's implementations: INTERFACE_OBJECT_USAGE_ERROR), and no
    gateway owes an answer on a supergraph the reference composition refuses."""
    jobs: dict[str, object] = {c.name: c.services() for c in cases}
    jobs |= {f"{c.name}\tapollo": {"composer": "apollo", "services": c.services()} for c in cases}
    done = subprocess.run(
        ["node", str(ORACLE_DIR / "compose.mjs")],
        input=json.dumps(jobs), capture_output=True, text=True, cwd=ORACLE_DIR, check=True,
    )
    results = json.loads(done.stdout)
    out: dict[str, dict[str, object]] = {}
    for case in cases:
        result = results[case.name]
        apollo = results[f"{case.name}\tapollo"]
        if "errors" not in result and "errors" in apollo:
            result = {"errors": apollo["errors"], "apollo": True}
        out[case.name] = result
    return out


def build_corpus(seeds: range, operations_per_case: int) -> Corpus:
    """Cases from `seeds`; each composed case gets up to `operations_per_case` valid operations."""
    cases = [build_case(SeededChoices(seed), f"g{seed}") for seed in seeds]
    corpus = Corpus([], Counter(generated=len(cases)))
    for case, result in zip(cases, compose(cases).values(), strict=True):
        if "errors" in result:
            corpus.counts["did not compose"] += 1
            corpus.counts["refused by Apollo's composition only"] += bool(result.get("apollo"))
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
