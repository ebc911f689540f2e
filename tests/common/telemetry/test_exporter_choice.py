"""Which exporters and sampler a process gets from the standard OpenTelemetry variables."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export import ConsoleSpanExporter

from common.telemetry.otlp_exporter import LeanOTLPSpanExporter as OTLPSpanExporter
from common.telemetry.settings import TelemetrySettings
from common.telemetry.tracing import sampler_for, span_exporters


def _settings(**env: str) -> TelemetrySettings:
    return TelemetrySettings.model_validate(env)


@pytest.mark.parametrize(("env", "expected"), [
    ({}, []),  # nothing set: nothing exported, no provider, no cost
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, [OTLPSpanExporter]),
    ({"OTEL_TRACES_EXPORTER": "console"}, [ConsoleSpanExporter]),
    ({"OTEL_TRACES_EXPORTER": "otlp,console", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"},
     [OTLPSpanExporter, ConsoleSpanExporter]),
    ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, []),
    ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, []),
])
def test_exporters_follow_the_environment(env: dict[str, str], expected: list[type]) -> None:
    assert [type(e) for e in span_exporters(_settings(**env))] == expected


@pytest.mark.parametrize("endpoint", ["http://collector:4318", "http://collector:4318/",
                                      "http://collector:4318/v1/traces"])
def test_otlp_posts_to_the_traces_path_of_the_endpoint(endpoint: str) -> None:
    [exporter] = span_exporters(_settings(OTEL_EXPORTER_OTLP_ENDPOINT=endpoint))
    assert exporter._endpoint == "http://collector:4318/v1/traces"


@pytest.mark.parametrize(("env", "description"), [
    ({}, "ParentBased{root:TraceIdRatioBased{1.0}"),
    ({"OTEL_TRACES_SAMPLER_ARG": "0.1"}, "ParentBased{root:TraceIdRatioBased{0.1}"),
    ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"},
     "TraceIdRatioBased{0.25}"),
    ({"OTEL_TRACES_SAMPLER": "parentbased_always_off"}, "ParentBased{root:AlwaysOffSampler"),
    ({"OTEL_TRACES_SAMPLER": "always_on"}, "AlwaysOnSampler"),
])
def test_the_sampler_is_the_one_named(env: dict[str, str], description: str) -> None:
    assert sampler_for(_settings(**env)).get_description().startswith(description)


@pytest.mark.parametrize("env", [{"OTEL_TRACES_SAMPLER": "sometimes"},
                                 {"OTEL_TRACES_SAMPLER_ARG": "1.5"}])
def test_a_bad_sampler_setting_is_refused_with_its_name(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="OTEL_TRACES_SAMPLER"):
        _settings(**env)
