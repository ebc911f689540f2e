"""compose.yaml and the Kubernetes manifests against their published schemas, and the rules a
production deployment needs: probes, resources, disruption budgets, autoscalers, secrets."""

from __future__ import annotations

import importlib.resources
import json

import jsonschema
import kubernetes_validate
import pytest
import yaml

from infra.dev.services import DOMAINS, ROOT

K8S_VERSION = "1.30.0"
MANIFESTS = ["platform.yaml", "storefront.yaml", "availability.yaml", "namespace.yaml",
             "backup.yaml", "network-policies.yaml", "telemetry.yaml"]
DOCS = [doc for name in MANIFESTS
        for doc in yaml.safe_load_all((ROOT / "infra" / "k8s" / name).read_text()) if doc]
DEPLOYMENTS = {d["metadata"]["name"]: d for d in DOCS if d["kind"] == "Deployment"}
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "PRIVATE", "API_KEY")


def of_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in DOCS if d["kind"] == kind}


def test_compose_file_is_valid_against_the_compose_specification():
    vendored = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads(vendored.joinpath("compose-spec.json").read_text())
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    jsonschema.validate(compose, schema)


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_kubernetes_object_is_valid_against_the_api_schema(doc):
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_schema_validation_rejects_a_misspelled_field():
    broken = json.loads(json.dumps(DEPLOYMENTS["users"]))
    broken["spec"]["replica"] = broken["spec"].pop("replicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_every_container_has_probes_and_resource_requests_and_limits():
    for name, deployment in DEPLOYMENTS.items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert {"readinessProbe", "livenessProbe"} <= container.keys(), name
            resources = container["resources"]
            assert {"cpu", "memory"} <= resources["requests"].keys(), name
            assert "memory" in resources["limits"], name


def test_every_deployment_has_a_disruption_budget_and_an_autoscaler():
    budgets, scalers = of_kind("PodDisruptionBudget"), of_kind("HorizontalPodAutoscaler")
    assert set(DEPLOYMENTS) == set(DOMAINS) | {"gateway", "storefront", "otel-collector"}
    for name, deployment in DEPLOYMENTS.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= labels.items(), name
        target = scalers[name]["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", name)
        assert scalers[name]["spec"]["minReplicas"] >= 2, "one replica leaves no room for a drain"


def test_secrets_reach_containers_only_from_secret_objects():
    for config in of_kind("ConfigMap").values():
        for key in config.get("data", {}):
            assert not any(word in key for word in SECRET_WORDS), f"{key} belongs in a Secret"
    for name, deployment in DEPLOYMENTS.items():
        spec = deployment["spec"]["template"]["spec"]
        for container in spec["containers"] + spec.get("initContainers", []):
            for var in container.get("env", []):
                if any(word in var["name"] for word in SECRET_WORDS):
                    assert "secretKeyRef" in var.get("valueFrom", {}), f"{name}: {var['name']}"


def test_every_manifest_is_deployed_by_the_kustomization():
    kustomization = yaml.safe_load((ROOT / "infra" / "k8s" / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(MANIFESTS)
