"""Fuzz one GraphQL endpoint with schemathesis' GraphQL mode: every query and mutation the
endpoint's introspection shows (``_entities`` too on a subgraph), a fixed seed and a bounded
number of examples each; a finding is an HTTP 5xx, an answer that is not a GraphQL response, or
an error the server masked as INTERNAL_SERVER_ERROR (an unhandled exception: bad input must get a
clear error instead)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, seed, settings

from tests.fuzz.representations import representations

__all__ = ["Finding", "FuzzReport", "fuzz_endpoint"]

schemathesis.graphql.scalar("_Any", representations())


@dataclass(frozen=True)
class Finding:
    """One request that broke a rule, with what is needed to replay it."""

    operation: str
    status: int
    body: Any
    answer: str


@dataclass
class FuzzReport:
    """What one endpoint's run did: requests sent per operation, and the findings."""

    target: str
    requests: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def fuzz_endpoint(target: str, url: str, *, headers: dict[str, str] | None = None,
                  examples: int = 5, fixed_seed: int = 20261204,
                  federation: bool = False) -> FuzzReport:
    """Run every operation of ``url`` ``examples`` times; collect findings, never raise them."""
    report = FuzzReport(target)
    schema = schemathesis.graphql.from_url(url, headers=headers or {})
    schemas = [schema, schema.include(name="Query._entities")] if federation else [schema]
    for each in schemas:
        for result in each.get_all_operations():
            operation = result.ok()
            _run(operation, url, headers or {}, examples, fixed_seed, report)
    return report


def _run(operation: Any, url: str, headers: dict[str, str], examples: int, fixed_seed: int,
         report: FuzzReport) -> None:
    label = operation.label

    @seed(fixed_seed)
    @settings(max_examples=examples, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(base_url=url, headers=headers, timeout=30)
        report.requests[label] = report.requests.get(label, 0) + 1
        problem = _problem(response.status_code, response.text)
        if problem is not None:
            report.findings.append(Finding(label, response.status_code, case.body, problem))

    run()


def _problem(status: int, text: str) -> str | None:
    if status >= 500:
        return text[:500]
    try:
        answer = json.loads(text)
    except ValueError:
        return f"not JSON: {text[:300]}"
    if not isinstance(answer, dict) or not ({"data", "errors"} & answer.keys()):
        return f"not a GraphQL response: {text[:300]}"
    errors = answer.get("errors") or []
    codes = [(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)]
    return text[:500] if "INTERNAL_SERVER_ERROR" in codes else None

