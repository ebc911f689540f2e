"""Compare three gateways' responses to one operation and say who agrees with whom.

Two responses agree when their `data` is the same JSON (field order included, 1.0 == 1) and
they both have errors or both have none. Error paths are compared separately: where a field
error lands is specified (GraphQL spec, "Handling Field Errors"), but which subgraph error a
gateway reports, and at which depth, varies between correct gateways.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from tests.gateway.harness import canonical, error_paths

from .runner import CRASHED

__all__ = ["Verdict", "agree", "argument_leak", "classify", "first_difference", "judge",
           "reference_answer"]

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
    """Whose answer ours is held to for one operation, and whether ours passes."""

    basis: str  # "both", "apollo", "hive", "references failed", "argument leak", "unruled"
    ok: bool


def _clean(response: dict[str, Any]) -> bool:
    return response.get("data") is not None and not response.get("errors")


def reference_answer(apollo: dict[str, Any], hive: dict[str, Any]) -> tuple[str, Any]:
    """The reference answer ours is held to, and why that one.

    Both agree: theirs. They differ and exactly one answers without errors: that one, since a
    query valid against the API schema must be answered (GraphQL spec, "Validation" and
    "Execution": a valid request is executed; a gateway's internal or planning error is no
    answer), and a subgraph error caused by the gateway's own representation (a required
    value left out) is the gateway's fault. Hive's planner crashed: Apollo's.
    """
    if crashed(hive):
        return "apollo", apollo
    if agree(apollo, hive):
        return "both", apollo
    clean = [name for name, r in (("apollo", apollo), ("hive", hive)) if _clean(r)]
    if len(clean) == 1:
        return clean[0], apollo if clean == ["apollo"] else hive
    return "unruled", None


ARGUMENT = re.compile(r"^(.*)\(x=(\d+)\)$")


def argument_leak(ours: Any, theirs: Any) -> bool:
    """Ours and theirs differ only in the argument a field was resolved with (`f0(x=3)` vs
    `f0(x=2)`): the references answered the client's `f0(x: 3)` with the value of the
    `f0(x: 2)` a `@requires` needed. Ours is right: a field is resolved with the arguments the
    client gave it (GraphQL spec, "CoerceArgumentValues"); the required value travels only in
    the representation."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return list(ours) == list(theirs) and all(
            argument_leak(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(
            argument_leak(a, b) for a, b in zip(ours, theirs, strict=True))
    if ours == theirs:
        return True
    a, b = ARGUMENT.match(str(ours)), ARGUMENT.match(str(theirs))
    return bool(a and b and a.group(1) == b.group(1))


def judge(answers: dict[str, dict[str, Any]]) -> Verdict:
    """Ours against the reference answer (see `reference_answer`)."""
    ours = answers["ours"]
    basis, right = reference_answer(answers["apollo"], answers["hive"])
    if right is None:  # the references differ and neither is plainly wrong: ours is one
        return Verdict(basis, agree(ours, answers["apollo"]) or agree(ours, answers["hive"]))
    if agree(ours, right):
        return Verdict(basis, True)
    if right.get("data") is None and _clean(ours):
        # The references could not answer a valid query; ours did (its data unchecked).
        return Verdict("references failed", True)
    if not ours.get("errors") and not right.get("errors") and argument_leak(
            ours.get("data"), right.get("data")):
        return Verdict("argument leak", True)
    return Verdict(basis, False)


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
    return error_paths(a) == error_paths(b)
