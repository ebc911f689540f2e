"""Our gateway answers 2,000+ generated (operation, supergraph) cases like Apollo Gateway and
Hive Gateway (Rust planner) do, except the known failures listed as data, which must stay
failures until fixed (then they are removed: the list only shrinks).

Run: `.venv/bin/pytest tests/gateway/generated` (about 2-3 minutes on 2 cores). Reports and
regenerates the lists: `python -m tests.gateway.generated.report`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.gateway.harness import require_oracle

from .session import SEEDS, KeptCase, Run, kept_cases, known_failures, run_corpus

pytestmark = [pytest.mark.slow, pytest.mark.differential]

MIN_OPERATIONS = 2000
KNOWN = known_failures()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    require_oracle()
    from gateway.app import create_app

    yield run_corpus(tmp_path_factory.mktemp("generated"), create_app)


def _explain(run: Run, op_id: str) -> str:
    answers = run.answers[op_id]
    lines = [f"{op_id}: {run.requests[op_id]}"]
    lines += [f"  {name}: {json.dumps(answers[name])[:600]}" for name in answers]
    return "\n".join(lines)


def test_the_corpus_compares_at_least_2000_operations(run: Run) -> None:
    counts = run.counts()
    print(json.dumps(counts, indent=1, sort_keys=True))  # shown with -s or on failure
    print("seconds:", {phase: round(t) for phase, t in run.seconds.items()})
    assert counts["compared"] >= MIN_OPERATIONS, counts


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_case_is_answered_like_the_references(seed: int, run: Run) -> None:
    """Given a generated case's operations, when all three gateways answer them, then ours
    matches the reference answer wherever it is not a listed known failure, and every listed
    known failure still fails."""
    prefix = f"g{seed}/"
    ops = [op_id for op_id in run.answers if op_id.startswith(prefix)]
    failing = run.failures(ops)
    known = {op_id for op_id in KNOWN if op_id.startswith(prefix)}
    new = sorted(set(failing) - known)
    fixed = sorted(known - set(failing))
    assert not new, "new disagreements:\n" + "\n".join(_explain(run, o) for o in new)
    assert not fixed, f"known failures now pass, remove them from known_failures.json: {fixed}"


@pytest.mark.parametrize(
    "kept",
    [
        pytest.param(k, id=k.path.stem, marks=pytest.mark.xfail(
            strict=True, raises=AssertionError, reason=f"{k.failure_class}: {k.reason}"))
        for k in kept_cases()
    ],
)
def test_kept_failing_example_is_answered_like_the_references(kept: KeptCase, run: Run) -> None:
    """Given a shrunk example of one of our failures, ours answers like the references."""
    assert run.verdict(kept.op_id).ok, _explain(run, kept.op_id)
