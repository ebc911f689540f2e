"""The kustomize overlays (infra/overlays) deploy the whole base into their own namespace, and
nothing in them addresses a platform service in another environment's namespace: staging once
called production's ``*.shop.svc`` hosts, and its overlay did not build at all (nested in its
base, which kustomize refuses as a cycle)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from infra.dev.services import ROOT
from tests.strict import require

pytestmark = pytest.mark.timeout(60)

BASE = ROOT / "infra" / "k8s"
OVERLAYS = ROOT / "infra" / "overlays"
SHARED = {"observability"}  # namespaces outside the platform, shared by every environment
HOST = re.compile(r"\b([a-z0-9-]+)\.([a-z0-9-]+)\.svc\b")  # <service>.<namespace>.svc


def _namespace(overlay: str) -> str:
    return yaml.safe_load((OVERLAYS / overlay / "kustomization.yaml").read_text())["namespace"]


def _base_docs() -> list[dict[str, Any]]:
    resources = yaml.safe_load((BASE / "kustomization.yaml").read_text())["resources"]
    return [doc for name in resources for doc in yaml.safe_load_all((BASE / name).read_text())
            if doc]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _foreign_hosts(docs: list[dict[str, Any]], namespace: str) -> set[str]:
    """``<service>.<namespace>.svc`` hosts naming a namespace neither ours nor shared."""
    return {match.group(0) for doc in docs for text in _strings(doc)
            for match in HOST.finditer(text) if match.group(2) not in {namespace, *SHARED}}


@pytest.mark.parametrize("overlay", ["staging", "production"])
def test_no_manifest_addresses_a_service_of_another_environments_namespace(overlay: str) -> None:
    assert _foreign_hosts(_base_docs(), _namespace(overlay)) == set()


def test_a_host_in_the_wrong_namespace_is_caught() -> None:
    docs = [{"data": {"URL": "http://users.shop.svc:5001/graphql"}}]
    assert _foreign_hosts(docs, "shop-staging") == {"users.shop.svc"}
    assert _foreign_hosts(docs, "shop") == set()


@pytest.mark.parametrize("overlay", ["staging", "production"])
def test_each_overlay_builds_and_puts_every_object_in_its_namespace(overlay: str) -> None:
    require(shutil.which("kubectl") is not None, "kubectl is not installed (for kustomize)")
    built = subprocess.run(["kubectl", "kustomize", str(OVERLAYS / overlay)],
                           capture_output=True, text=True, timeout=50)
    assert built.returncode == 0, built.stderr
    docs = [doc for doc in yaml.safe_load_all(built.stdout) if doc]
    namespace = _namespace(overlay)
    assert len(docs) == len(_base_docs())
    for doc in docs:
        expected = namespace if doc["kind"] != "Namespace" else None
        assert doc["metadata"].get("namespace") == expected, doc["metadata"]
    assert [d["metadata"]["name"] for d in docs if d["kind"] == "Namespace"] == [namespace]
    assert _foreign_hosts(docs, namespace) == set()
