"""Compare gateways' responses to one operation with each other and with the world's answer.

Two responses agree when their `data` is the same JSON (field order included, 1.0 == 1) and
they both have errors or both have none. Error paths are compared separately (reported, not
asserted): which subgraph error a gateway reports, and at which depth, varies between gateways.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.gateway.harness import canonical, sorted_error_paths

from .runner import CRASHED

__all__ = ["Verdict", "agree", "classify", "crashed", "first_difference", "judge",
           "paths_agree"]

PLANNING = ("QUERY_PLANNING_FAILED", "planning", "plan")
REJECTED = ("GRAPHQL_VALIDATION_FAILED", "Cannot query field", "Unknown type", "conflict")


def agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same data, and errors on both sides or on neither."""
    same_data = canonical(a.get("data")) == canonical(b.get("data"))
    return same_data and bool(a.get("errors")) == bool(b.get("errors"))


def crashed(response: dict[str, Any]) -> bool:
    return response == CRASHED


@dataclass(frozen=True)
class Verdict:
    """Whether ours gives the world's answer, and which references do."""

    ok: bool
    apollo_right: bool
    hive_right: bool | None  # None: Hive's planner panicked on the operation


def judge(answers: dict[str, dict[str, Any]]) -> Verdict:
    """Each gateway against the answer the case's world implies (`expected.Expectation`):
    the same data, and errors exactly when the world's answer has them."""
    world = answers["world"]
    hive = None if crashed(answers["hive"]) else agree(answers["hive"], world)
    return Verdict(agree(answers["ours"], world), agree(answers["apollo"], world), hive)


def classify(ours: dict[str, Any], right: dict[str, Any]) -> str:
    """The class of one of our failures: planning failed / subgraph rejected our document /
    @requires / wrong data."""
    text = json.dumps(ours.get("errors") or [])
    if ours.get("data") is None and any(word in text for word in PLANNING):
        return "planning failed"
    if any(word in text for word in REJECTED):
        return "subgraph rejected our document"
    _, mine, theirs = first_difference(ours.get("data"), right.get("data"))
    if "@requires" in text or "<-" in json.dumps(mine) + json.dumps(theirs):
        return "@requires"
    return "wrong data"


def first_difference(a: Any, b: Any, path: tuple[str | int, ...] = ()) -> tuple[
        tuple[str | int, ...], Any, Any]:
    """The path of the first place where two JSON values differ, and the values there."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return path, list(a), list(b)
        for key in a:
            found = first_difference(a[key], b[key], (*path, key))
            if found[0] != () or canonical(a[key]) != canonical(b[key]):
                if canonical(a[key]) != canonical(b[key]):
                    return found
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if canonical(x) != canonical(y):
                return first_difference(x, y, (*path, i))
    return path, a, b


def paths_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same error paths (sorted); reported, not asserted."""
    return sorted_error_paths(a) == sorted_error_paths(b)
