"""Head sampling decides as the SDK's samplers would, before any span exists, and reads the
caller's traceparent as the W3C propagator does."""

from __future__ import annotations

import random

import pytest
from opentelemetry.context import Context, set_value
from opentelemetry.trace import get_current_span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from common.telemetry.propagation import parse_traceparent
from common.telemetry.sampling import HEAD_SAMPLED, HeadSampler, sampler_for
from common.telemetry.settings import TelemetrySettings

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
W3C = TraceContextTextMapPropagator()


@pytest.mark.parametrize("header", [
    f"00-{TRACE}-{PARENT}-01", f"00-{TRACE}-{PARENT}-00", f" 00-{TRACE}-{PARENT}-01\t",
    f"01-{TRACE}-{PARENT}-01-future", f"00-{TRACE}-{PARENT}-01-extra",  # 00 takes no extra
    f"ff-{TRACE}-{PARENT}-01", f"00-{'0' * 32}-{PARENT}-01", f"00-{TRACE}-{'0' * 16}-01",
    f"00-{TRACE.upper()}-{PARENT}-01", f"00-{TRACE}-{PARENT}-1", f"00-{TRACE}{PARENT}-01",
    "", "garbage", f"00_{TRACE}_{PARENT}_01", f"00-+{TRACE[1:]}-{PARENT}-01",
])
def test_a_traceparent_reads_as_the_w3c_propagator_reads_it(header: str) -> None:
    # given what the SDK's W3C propagator extracts from the header (an invalid one: nothing)
    context = get_current_span(W3C.extract({"traceparent": header})).get_span_context()
    expected = ((context.trace_id, context.span_id, int(context.trace_flags))
                if context.is_valid else None)
    # then our parser agrees
    assert parse_traceparent(header) == expected


@pytest.mark.parametrize("env", [
    {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"},
    {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5"},
    {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.3"},
    {"OTEL_TRACES_SAMPLER": "parentbased_always_off"},
    {"OTEL_TRACES_SAMPLER": "parentbased_always_on"},
    {"OTEL_TRACES_SAMPLER": "always_on"},
    {"OTEL_TRACES_SAMPLER": "always_off"},
])
def test_the_head_decides_as_the_sdk_sampler_named_by_the_environment(env: dict[str, str]
                                                                      ) -> None:
    # given the SDK sampler the variables name, and the head sampler of the same settings
    settings = TelemetrySettings.model_validate(env)
    sdk, head = sampler_for(settings), HeadSampler(settings)
    draw = random.Random(14)
    for _ in range(400):
        trace_id = draw.getrandbits(128) or 1
        for flags in (None, 0, 1):  # a new trace; a caller that did not / did sample
            parent = Context() if flags is None else W3C.extract(
                {"traceparent": f"00-{trace_id:032x}-{PARENT}-{flags:02x}"})
            # when both decide for the same trace id and caller
            expected = sdk.should_sample(parent, trace_id, "POST /graphql").decision
            # then they agree
            assert head.sampled(trace_id, flags) == expected.is_sampled(), (trace_id, flags)


def test_a_trace_the_head_kept_is_kept_by_the_sdk_without_a_second_draw() -> None:
    # given a head sampler keeping no new trace
    head = HeadSampler(TelemetrySettings(sampler="parentbased_traceidratio", sampler_arg=0.0))
    # when the SDK asks it about a span whose parent context carries the head's decision
    marked = head.should_sample(set_value(HEAD_SAMPLED, True), 1, "POST /graphql")
    unmarked = head.should_sample(Context(), 1, "POST /graphql")
    # then the marked span is kept and the unmarked one follows the ratio
    assert marked.decision.is_sampled() and not unmarked.decision.is_sampled()
