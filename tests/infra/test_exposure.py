"""Only the gateway at /graphql (and Stripe's webhook route) is reachable from outside, beside the
storefront's static files; inside, only the calls the architecture makes are allowed, and every
process holds its service key (issues 15 and 18).
The files are read as text, since neither Docker nor Kubernetes runs here."""

from __future__ import annotations

import json
import re

import yaml

from gateway.edge_config import CorsConfig
from infra.dev.services import DOMAINS, ROOT
from subgraphs.cart.config import CartSettings
from subgraphs.notifications.config import NotificationsSettings
from subgraphs.orders.config import OrdersSettings
from subgraphs.payments.config import PaymentsSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
K8S = [d for name in ("platform.yaml", "storefront.yaml")
       for d in yaml.safe_load_all((ROOT / "infra/k8s" / name).read_text()) if d]
POLICIES = [d for d in yaml.safe_load_all(
    (ROOT / "infra/k8s/network-policies.yaml").read_text()) if d]
NGINX = (ROOT / "infra/nginx/gateway.conf").read_text()
SETTINGS = {"users": UsersSettings, "products": ProductsSettings, "cart": CartSettings,
            "orders": OrdersSettings, "payments": PaymentsSettings,
            "notifications": NotificationsSettings}


def trusted_callers(name: str) -> set[str]:
    """The callers a subgraph trusts by default (its settings' TRUSTED_CALLERS)."""
    field = SETTINGS[name].model_fields["trusted_callers"]
    return set(field.get_default(call_default_factory=True))


def test_compose_publishes_only_the_load_balancer() -> None:
    published = {name: spec["ports"] for name, spec in COMPOSE["services"].items()
                 if spec.get("ports")}
    public = {name for name, ports in published.items()
              if any(not str(port).startswith("127.0.0.1:") for port in ports)}
    assert public == {"load-balancer"}


def test_the_load_balancer_routes_only_the_gateway_and_stripes_webhook() -> None:
    locations = re.findall(r"location\s+(=\s*)?(\S+)\s*\{[^}]*proxy_pass\s+http://(\w+)", NGINX)
    assert {(path, upstream) for _, path, upstream in locations} == {
        ("/graphql", "gateway"), ("/webhooks/stripe", "payments")}
    # exact: nothing else of payments or of the gateway; every other path is a static file
    assert "location = /webhooks/stripe" in NGINX and "location = /graphql" in NGINX
    assert "include /etc/nginx/storefront-static.conf;" in NGINX


def test_compose_serves_the_storefront_from_the_load_balancer() -> None:
    balancer = COMPOSE["services"]["load-balancer"]
    assert balancer["build"] == {"context": ".", "target": "storefront"}
    assert "./infra/nginx/gateway.conf:/etc/nginx/conf.d/default.conf:ro" in balancer["volumes"]
    # the other services build the runtime, not the Dockerfile's last stage
    assert COMPOSE["services"]["gateway"]["build"]["target"] == "runtime"


def test_every_compose_process_holds_the_service_keys_read_only() -> None:
    for name in [*DOMAINS, "gateway"]:
        spec = COMPOSE["services"][name]
        assert "./var/keys:/run/keys:ro" in spec["volumes"], name
        assert spec["environment"]["SERVICE_KEYS_DIR"] == "/run/keys"
    gateway = COMPOSE["services"]["gateway"]["environment"]
    assert gateway["GATEWAY_SERVICE_AUTH__KEY_FILE"] == "/run/keys/gateway.key"


def test_compose_runs_production_without_silent_unsafe_choices() -> None:
    payments = COMPOSE["services"]["payments"]["environment"]
    assert payments["ENVIRONMENT"] == "production"
    assert payments["ALLOW_SANDBOX_IN_PRODUCTION"] == "${ALLOW_SANDBOX_IN_PRODUCTION:-false}"
    assert "SERVICE_AUTH_REQUIRED" not in payments  # the default: required


def test_kubernetes_exposes_only_the_gateway_the_webhook_and_the_storefront() -> None:
    services = [d for d in K8S if d["kind"] == "Service"]
    assert all(d["spec"].get("type", "ClusterIP") == "ClusterIP" for d in services)
    [ingress] = [d for d in K8S if d["kind"] == "Ingress"]
    routes = {(p["path"], p["pathType"], p["backend"]["service"]["name"])
              for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]}
    assert routes == {("/graphql", "Exact", "gateway"), ("/", "Prefix", "storefront"),
                      ("/webhooks/stripe", "Exact", "payments")}


def test_the_ingress_routes_none_of_the_gateways_operational_paths() -> None:
    # /metrics names every operation and subgraph; health endpoints are for the cluster only
    [ingress] = [d for d in K8S if d["kind"] == "Ingress"]
    paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]
             if p["backend"]["service"]["name"] == "gateway"]
    for private in ("/metrics", "/health", "/ready"):
        assert not [p for p in paths if p["path"] == private or (
            p["pathType"] != "Exact" and private.startswith(p["path"]))], private


def test_every_kubernetes_process_mounts_only_its_own_private_key() -> None:
    for deployment in (d for d in K8S if d["kind"] == "Deployment"):
        name = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]["spec"]
        if name == "storefront":  # static files: no key, no secret, no platform config
            assert "volumes" not in pod and "envFrom" not in pod["containers"][0]
            continue
        [volume] = [v for v in pod["volumes"] if v["name"] == "service-keys"]
        secrets = [s["secret"]["name"] for s in volume["projected"]["sources"] if "secret" in s]
        assert secrets == [f"{name}-service-key"]
        mounts = pod["containers"][0]["volumeMounts"]
        assert {"name": "service-keys", "mountPath": "/etc/shop/keys", "readOnly": True} in mounts


def test_network_policies_deny_by_default() -> None:
    [deny] = [p for p in POLICIES if p["metadata"]["name"] == "default-deny-ingress"]
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_each_subgraph_admits_exactly_the_callers_it_trusts() -> None:
    for name, port in DOMAINS.items():
        # given the policy admitting pods of namespace shop to this subgraph
        [policy] = [p for p in POLICIES if p["metadata"]["name"] == f"{name}-callers"]
        assert policy["spec"]["podSelector"] == {"matchLabels": {"app": name}}
        [rule] = policy["spec"]["ingress"]
        callers = {peer["podSelector"]["matchLabels"]["app"] for peer in rule["from"]}
        # then they are the services its settings trust, on its port only
        assert callers == trusted_callers(name), name
        assert rule["ports"] == [{"port": port}]


def test_only_the_gateway_the_webhook_and_the_storefront_are_admitted_from_the_ingress() -> None:
    from_ingress = {
        (p["spec"]["podSelector"]["matchLabels"]["app"], rule["ports"][0]["port"])
        for p in POLICIES for rule in p["spec"].get("ingress", [])
        for peer in rule["from"]
        if peer.get("namespaceSelector", {}).get("matchLabels", {}).get(
            "kubernetes.io/metadata.name") == "ingress-nginx"
    }
    assert from_ingress == {("gateway", 8080), ("payments", 5005), ("storefront", 8080)}


def test_the_gateway_allows_the_storefronts_origin_and_headers_cross_origin() -> None:
    # compose: the load balancer's published origin by default, the headers the app sends
    gateway = COMPOSE["services"]["gateway"]["environment"]
    [origin] = json.loads(gateway["GATEWAY_CORS__ALLOW_ORIGINS"])
    published = COMPOSE["services"]["load-balancer"]["ports"][0].split(":")[0]
    assert origin == f"${{STOREFRONT_ORIGIN:-http://localhost:{published}}}"
    sent = {"content-type", "authorization", "x-cart-id"}
    assert sent <= set(json.loads(gateway["GATEWAY_CORS__ALLOW_HEADERS"]))
    # Kubernetes: named origins only, and the gateway's default headers include the cart id
    [config] = [d for d in K8S if d["kind"] == "ConfigMap"
                and d["metadata"]["name"] == "shop-config"]
    origins = json.loads(config["data"]["GATEWAY_CORS__ALLOW_ORIGINS"])
    assert origins and "*" not in origins
    assert sent <= set(CorsConfig().allow_headers)
