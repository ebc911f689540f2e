"""compose.yaml and the Kubernetes manifests are validated here, since Docker cannot run."""

from __future__ import annotations

import re

import yaml

from infra.dev.services import DOMAINS, ROOT, domains_present

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
K8S = [d for d in yaml.safe_load_all((ROOT / "infra/k8s/platform.yaml").read_text()) if d]


def test_compose_services_depend_only_on_defined_services() -> None:
    services = COMPOSE["services"]
    for name, spec in services.items():
        deps = spec.get("depends_on", [])
        for dep in deps if isinstance(deps, list) else deps.keys():
            assert dep in services, f"{name} depends on undefined {dep}"


def test_compose_runs_every_domain_on_its_design_port() -> None:
    for name, port in DOMAINS.items():
        command = " ".join(COMPOSE["services"][name]["command"])
        assert f"subgraphs.{name}" in command and str(port) in command


def test_compose_gives_each_database_service_its_own_postgres() -> None:
    for name, spec in COMPOSE["services"].items():
        for key, value in spec.get("environment", {}).items():
            if key.endswith("_DATABASE_URL"):
                host = re.search(r"@([\w-]+):", value).group(1)
                assert host == f"{name}-db" and host in COMPOSE["services"]


def test_compose_volumes_are_declared() -> None:
    declared = set(COMPOSE["volumes"])
    for spec in COMPOSE["services"].values():
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            # relative: a file of this repository; absolute: the host's (node-exporter's /)
            assert source.startswith((".", "/")) or source in declared, source


def test_compose_mounted_config_files_exist() -> None:
    for spec in COMPOSE["services"].values():
        for volume in spec.get("volumes", []):
            # ./var/ is generated before deploying (service keys: python -m infra.dev keys)
            if volume.startswith("./") and not volume.startswith("./var/"):
                assert (ROOT / volume.split(":")[0]).exists(), volume


def test_every_kubernetes_deployment_has_probes_and_a_matching_service() -> None:
    deployments = {d["metadata"]["name"]: d for d in K8S if d["kind"] == "Deployment"}
    services = {d["metadata"]["name"]: d for d in K8S if d["kind"] == "Service"}
    assert set(DOMAINS) | {"gateway"} <= set(deployments)
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert "readinessProbe" in container and "livenessProbe" in container
        port = container["ports"][0]["containerPort"]
        assert services[name]["spec"]["ports"][0]["targetPort"] == port


def test_present_domains_can_be_started_by_the_commands_deployments_use() -> None:
    for name in domains_present():
        assert (ROOT / "subgraphs" / name / "__main__.py").exists()


def test_every_kubernetes_pod_is_annotated_for_scraping_its_metrics_port() -> None:
    for deployment in (d for d in K8S if d["kind"] == "Deployment"):
        template = deployment["spec"]["template"]
        annotations = template["metadata"].get("annotations", {})
        port = template["spec"]["containers"][0]["ports"][0]["containerPort"]
        assert annotations.get("prometheus.io/scrape") == "true", deployment["metadata"]["name"]
        assert annotations["prometheus.io/port"] == str(port)
        assert annotations["prometheus.io/path"] == "/metrics"


def test_prometheus_in_compose_scrapes_every_service_on_its_port() -> None:
    config = yaml.safe_load((ROOT / "infra/observability/prometheus.yml").read_text())
    targets = {job["job_name"]: job["dns_sd_configs"][0] for job in config["scrape_configs"]
               if "dns_sd_configs" in job}
    for name, port in {**DOMAINS, "gateway": 8080}.items():
        assert targets[name] == {"names": [name], "type": "A", "port": port}, name
        command = " ".join(COMPOSE["services"][name]["command"])
        assert str(port) in command
