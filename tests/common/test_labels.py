"""Label values chosen by clients stay bounded (common/telemetry/labels.py)."""

from __future__ import annotations

from common.telemetry.labels import ANONYMOUS, OTHER, BoundedNames


def test_the_first_names_keep_their_own_value_and_later_ones_share_other() -> None:
    names = BoundedNames(limit=3)
    assert [names(n) for n in ("A", "B", "C", "A")] == ["A", "B", "C", "A"]
    assert names("D") == OTHER
    assert names("C") == "C"


def test_a_name_that_is_no_graphql_name_is_never_a_label_value() -> None:
    names = BoundedNames(limit=10)
    hostile = ["query { secret }", "x" * 65, "1abc", "a-b", 'a"b']
    assert {names(n) for n in hostile} == {OTHER}
    assert names("x" * 64) == "x" * 64


def test_a_missing_name_is_anonymous() -> None:
    names = BoundedNames()
    assert names(None) == names("") == ANONYMOUS
