"""Head sampling decided before any span exists, with the SDK samplers' semantics.

``OTEL_TRACES_SAMPLER`` names one of the SDK's samplers (``sampler_for``); ``HeadSampler`` is
that sampler for every span the SDK makes, and also answers ``sampled()`` for a request about
to start: parent-based ones follow the caller's sampled flag (W3C Trace Context), the ratio
keeps a trace when the low 64 bits of its id fall under ``ratio * 2**64``, exactly as
``TraceIdRatioBased`` does. A server that asks first makes no SDK span for an unsampled request.
When it asks for a new trace (no parent) and the answer is yes, it starts its span with
``HEAD_SAMPLED`` in the parent context, and the SDK keeps it without drawing again.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.context import Context, create_key, get_value
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.util.types import Attributes

from common.telemetry.settings import TelemetrySettings

__all__ = ["HEAD_SAMPLED", "HeadSampler", "sampler_for"]

HEAD_SAMPLED = create_key("head-sampled")
_LOW_64 = TraceIdRatioBased.TRACE_ID_LIMIT


def sampler_for(settings: TelemetrySettings) -> Sampler:
    """The SDK sampler ``OTEL_TRACES_SAMPLER``/``OTEL_TRACES_SAMPLER_ARG`` name."""
    name, ratio = settings.sampler, settings.sampler_arg
    root = {"always_on": ALWAYS_ON, "always_off": ALWAYS_OFF}.get(
        name.removeprefix("parentbased_"), None) or TraceIdRatioBased(ratio)
    return ParentBased(root) if name.startswith("parentbased_") else root


class HeadSampler(Sampler):
    """The configured SDK sampler, which can also be asked before a request's span exists."""

    def __init__(self, settings: TelemetrySettings) -> None:
        self.inner = sampler_for(settings)
        self.parent_based = settings.sampler.startswith("parentbased_")
        root = settings.sampler.removeprefix("parentbased_")
        ratio = {"always_on": 1.0, "always_off": 0.0}.get(root, settings.sampler_arg)
        self.bound = TraceIdRatioBased.get_bound_for_rate(ratio)

    def sampled(self, trace_id: int, parent_flags: int | None) -> bool:
        """Whether the SDK keeps a server span of ``trace_id`` whose remote parent had
        ``parent_flags`` (None: a new trace)."""
        if parent_flags is not None and self.parent_based:
            return bool(parent_flags & 1)
        return (trace_id & _LOW_64) < self.bound

    def should_sample(self, parent_context: Context | None, trace_id: int, name: str,
                      kind: SpanKind | None = None, attributes: Attributes = None,
                      links: Sequence[Link] | None = None,
                      trace_state: TraceState | None = None) -> SamplingResult:
        if get_value(HEAD_SAMPLED, parent_context):  # None: the current context
            return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes, trace_state)
        return self.inner.should_sample(parent_context, trace_id, name, kind, attributes,
                                        links, trace_state)

    def get_description(self) -> str:
        return self.inner.get_description()
