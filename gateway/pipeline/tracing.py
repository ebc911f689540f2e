"""Spans of the preparation steps (parse, validate, plan) and the operation's GraphQL attributes.

Only for a request whose server span is recording (sampled): an unsampled request pays one
``is_recording`` call. A request whose plan is cached gets no step spans, only
``gateway.plan.cache_hit`` on its server span: the three lookups take microseconds, and their
spans would cost a sampled request more than the lookups themselves. Attributes follow the
OpenTelemetry GraphQL semantic conventions (``graphql.operation.type``,
``graphql.operation.name``); ``graphql.document`` is not recorded, since a document may carry
credentials as literals (``login(password: "...")``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import Span, Tracer

__all__ = ["PipelineSpans", "annotate_operation"]


class PipelineSpans:
    """Child spans of the request's server span, one per preparation step."""

    __slots__ = ("tracer",)

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    @staticmethod
    def wanted() -> bool:
        """Whether this request is traced (its current span records)."""
        return trace.get_current_span().is_recording()

    @staticmethod
    def plan_cached(hit: bool) -> None:
        """Say on the server span whether the plan came from the cache."""
        trace.get_current_span().set_attribute("gateway.plan.cache_hit", hit)

    @contextmanager
    def step(self, name: str) -> Iterator[Span]:
        """``graphql.<name>``: an INTERNAL span around one step."""
        with self.tracer.start_as_current_span(f"graphql.{name}") as span:
            yield span


def annotate_operation(kind: str, name: str | None) -> None:
    """Name the operation on the server span (GraphQL semantic conventions)."""
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute("graphql.operation.type", kind)
        if name:
            span.set_attribute("graphql.operation.name", name)
