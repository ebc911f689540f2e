"""A test that would skip for a missing tool skips on a laptop and fails in CI."""

from __future__ import annotations

import pytest

from tests.strict import require, require_module


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_in_ci_a_missing_tool_fails_the_test(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require(False, "the tool is missing")
    with pytest.raises(pytest.fail.Exception, match="no_such_module_16"):
        require_module("no_such_module_16", "needed")


def test_outside_ci_a_missing_tool_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="the tool is missing"):
        require(False, "the tool is missing")
    with pytest.raises(pytest.skip.Exception):
        require_module("no_such_module_16", "needed")


def test_a_present_tool_carries_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    require(True, "never said")
    assert require_module("json", "stdlib").dumps([]) == "[]"
