"""The deployed trace path holds together: every process sends OTLP/HTTP to the collector's
HTTP receiver, and the collector's traces pipeline forwards to Jaeger."""

from __future__ import annotations

from urllib.parse import urlsplit

import yaml

from infra.dev.services import ROOT

COLLECTOR = yaml.safe_load((ROOT / "infra/observability/otel-collector.yaml").read_text())
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_services_send_otlp_http_to_the_collectors_http_receiver() -> None:
    endpoint = urlsplit(COMPOSE["x-service"]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"])
    receiver = COLLECTOR["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    assert endpoint.scheme == "http" and endpoint.hostname == "otel-collector"
    assert endpoint.port == int(receiver.rsplit(":", 1)[1])
    assert "otel-collector" in COMPOSE["services"]


def test_the_collector_forwards_traces_to_jaeger_which_compose_runs() -> None:
    pipeline = COLLECTOR["service"]["pipelines"]["traces"]
    assert "otlp" in pipeline["receivers"]
    [jaeger] = [name for name in pipeline["exporters"] if name.startswith("otlp/jaeger")]
    host = COLLECTOR["exporters"][jaeger]["endpoint"].split(":")[0]
    assert host in COMPOSE["services"]
    assert set(pipeline["processors"]) <= set(COLLECTOR["processors"])
