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


K8S_TELEMETRY = [d for d in yaml.safe_load_all(
    (ROOT / "infra/k8s/telemetry.yaml").read_text()) if d]
K8S_PLATFORM = [d for d in yaml.safe_load_all(
    (ROOT / "infra/k8s/platform.yaml").read_text()) if d]


def _k8s(kind: str, name: str) -> dict:
    [doc] = [d for d in K8S_TELEMETRY + K8S_PLATFORM
             if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def test_kubernetes_processes_send_otlp_http_to_the_collector_service() -> None:
    # given the endpoint every platform pod reads from shop-config
    endpoint = urlsplit(_k8s("ConfigMap", "shop-config")["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"])
    service = _k8s("Service", "otel-collector")
    config = yaml.safe_load(_k8s("ConfigMap", "otel-collector")["data"]["config.yaml"])
    receiver = config["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    # then it names the collector's Service (namespace-relative: the pod's own namespace,
    # whichever an overlay deploys into), on the port its OTLP/HTTP receiver listens on
    assert endpoint.hostname == service["metadata"]["name"]
    [port] = [p for p in service["spec"]["ports"] if p["port"] == endpoint.port]
    assert port["targetPort"] == int(receiver.rsplit(":", 1)[1])
    # and every platform pod may reach it through the default-deny policies
    policy = _k8s("NetworkPolicy", "otel-collector-from-platform")
    [rule] = policy["spec"]["ingress"]
    [selector] = rule["from"][0]["podSelector"]["matchExpressions"]
    platform = {d["metadata"]["name"] for d in K8S_PLATFORM if d["kind"] == "Deployment"}
    assert set(selector["values"]) == platform and rule["ports"] == [{"port": endpoint.port}]


def test_the_kubernetes_collector_runs_the_compose_collectors_trace_pipeline() -> None:
    # given the collector configuration of both deployments
    config = yaml.safe_load(_k8s("ConfigMap", "otel-collector")["data"]["config.yaml"])
    pipeline, compose = config["service"]["pipelines"]["traces"], COLLECTOR["service"]["pipelines"]
    # then the traces go through the same receivers and processors, to a configured backend
    assert pipeline["receivers"] == compose["traces"]["receivers"]
    assert pipeline["processors"] == compose["traces"]["processors"]
    assert config["processors"] == COLLECTOR["processors"]
    [exporter] = pipeline["exporters"]
    assert config["exporters"][exporter]["endpoint"] == "${env:TRACES_BACKEND_ENDPOINT}"
    [container] = _k8s("Deployment", "otel-collector")["spec"]["template"]["spec"]["containers"]
    assert any(var["name"] == "TRACES_BACKEND_ENDPOINT" for var in container["env"])
    # and the probes ask the health check extension the configuration turns on
    health = config["extensions"]["health_check"]["endpoint"]
    assert "health_check" in config["service"]["extensions"]
    assert container["readinessProbe"]["httpGet"]["port"] == int(health.rsplit(":", 1)[1])
