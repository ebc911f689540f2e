"""Differential test: our gateway and Apollo Gateway give the same answer to every sample."""

from __future__ import annotations

import pytest

from tests.gateway.harness import (
    Operation,
    Samples,
    all_operations,
    asgi_post,
    assert_same_as_oracle,
    without_builtin_types,
)

OPERATIONS = all_operations()

pytestmark = pytest.mark.differential


def _params() -> list[object]:
    wrong = pytest.mark.xfail(reason="Apollo Gateway is known to be wrong here", strict=True)
    return [
        pytest.param(op, id=op.id, marks=[wrong] if op.oracle_wrong else []) for op in OPERATIONS
    ]


@pytest.mark.parametrize("op", _params())
async def test_our_gateway_answers_like_apollo_gateway(op: Operation, samples: Samples) -> None:
    gateway_app = pytest.importorskip("gateway.app", reason="our gateway has no create_app yet")
    app = samples.our_app(op.case, gateway_app.create_app)
    oracle = samples.oracle(op.case)
    samples.prepare(op.case)
    ours = await asgi_post(app, op.body)
    samples.prepare(op.case)
    theirs = oracle.execute(op.body)
    if not op.builtin_types:
        ours["data"] = without_builtin_types(ours.get("data"))
        theirs["data"] = without_builtin_types(theirs.get("data"))
    assert_same_as_oracle(ours, theirs, op.differential_error_paths, op.unordered)
