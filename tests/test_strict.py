"""A test that would skip for a missing tool skips on a laptop and fails in CI."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.strict import require, require_module


def outcome(call: Callable[[], object]) -> str:
    """What ``call`` did to the test: "failed", "skipped" or "carried on" (a skip or fail
    escaping here would make this test skip or fail for the wrong reason)."""
    try:
        call()
    except pytest.fail.Exception:
        return "failed"
    except pytest.skip.Exception:
        return "skipped"
    return "carried on"


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_in_ci_a_missing_tool_fails_the_test(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    assert outcome(lambda: require(False, "the tool is missing")) == "failed"
    assert outcome(lambda: require_module("no_such_module_16", "needed")) == "failed"


def test_outside_ci_a_missing_tool_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert outcome(lambda: require(False, "the tool is missing")) == "skipped"
    assert outcome(lambda: require_module("no_such_module_16", "needed")) == "skipped"


def test_a_present_tool_carries_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert outcome(lambda: require(True, "never said")) == "carried on"
    assert require_module("json", "stdlib").dumps([]) == "[]"
