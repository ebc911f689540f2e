"""Trusted documents: a manifest made from operation files; audit and safelist modes."""

from __future__ import annotations

import json
import logging

import pytest

from gateway.manifest import main as manifest_main
from gateway.pipeline.apq import sha256_hex
from tests.gateway.edge.shop import secure_supergraph

OPERATIONS = """
query Products { products { ...Names } }
query Product($id: ID!) { product(id: $id) { ...Names } }
fragment Names on Product { id name }
"""
STRICT = {"accept": "application/graphql-response+json"}


@pytest.fixture
def manifest(tmp_path) -> dict:
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "shop.graphql").write_text(OPERATIONS)
    (tmp_path / "supergraph.graphql").write_text(secure_supergraph())
    out = tmp_path / "manifest.json"
    assert manifest_main([str(tmp_path / "ops"), "--supergraph",
                          str(tmp_path / "supergraph.graphql"), "--out", str(out)]) == 0
    return {"path": out, **json.loads(out.read_text())}


def test_manifest_lists_each_operation_with_its_fragments_and_hash(manifest):
    assert manifest["format"] == "apollo-persisted-query-manifest"
    assert [op["name"] for op in manifest["operations"]] == ["Product", "Products"]
    for op in manifest["operations"]:
        assert op["id"] == sha256_hex(op["body"]) and op["type"] == "query"
        assert "fragment Names on Product" in op["body"]


def test_manifest_check_fails_when_stale_and_validation_failures_stop_it(manifest, tmp_path):
    ops = str(tmp_path / "ops")
    assert manifest_main([ops, "--out", str(manifest["path"]), "--check"]) == 0
    (tmp_path / "ops" / "more.graphql").write_text("query Other { products { id } }")
    assert manifest_main([ops, "--out", str(manifest["path"]), "--check"]) == 1
    (tmp_path / "ops" / "more.graphql").write_text("query Bad { nope }")
    assert manifest_main([ops, "--supergraph", str(tmp_path / "supergraph.graphql"),
                          "--out", str(tmp_path / "x.json")]) == 1


def ids(manifest: dict) -> dict[str, str]:
    return {op["name"]: op["id"] for op in manifest["operations"]}


async def test_safelist_runs_manifest_operations_by_id_hash_or_identical_text(
    serve, http, manifest
):
    product = ids(manifest)["Product"]
    body = next(op["body"] for op in manifest["operations"] if op["name"] == "Product")
    trusted = {"mode": "safelist", "manifest": str(manifest["path"])}
    variables = {"id": "p2"}
    async with serve(trusted_documents=trusted) as served:
        url = f"{served.url}/graphql"
        answers = [
            await http.post(url, json={"documentId": f"sha256:{product}",
                                       "variables": variables}),
            await http.post(url, json={"documentId": product, "variables": variables}),
            await http.get(url, params={"documentId": product,
                                        "variables": json.dumps(variables)}),
            await http.post(url, json={"variables": variables, "extensions": {
                "persistedQuery": {"version": 1, "sha256Hash": product}}}),
            await http.post(url, json={"query": body, "variables": variables}),
        ]
    expected = {"data": {"product": {"id": "p2", "name": "Product p2"}}}
    assert [a.json() for a in answers] == [expected] * len(answers)


async def test_safelist_refuses_an_ad_hoc_query_however_it_is_sent(serve, http, manifest):
    trusted = {"mode": "safelist", "manifest": str(manifest["path"])}
    ad_hoc = "{ products { id } }"
    apq = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(ad_hoc)}}
    async with serve(trusted_documents=trusted) as served:
        url = f"{served.url}/graphql"
        plain = await http.post(url, headers=STRICT, json={"query": ad_hoc})
        registered = await http.post(url, json={"query": ad_hoc, "extensions": apq})
        unknown = await http.post(url, json={"documentId": "sha256:" + "0" * 64})
    assert plain.status_code == 400
    assert plain.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    assert "data" not in plain.json()
    assert registered.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_audit_mode_runs_an_unknown_operation_and_logs_it(serve, http, manifest, caplog):
    trusted = {"mode": "audit", "manifest": str(manifest["path"])}
    caplog.set_level(logging.WARNING, logger="gateway.pipeline.trusted")
    async with serve(trusted_documents=trusted) as served:
        response = await http.post(f"{served.url}/graphql",
                                   json={"query": "query AdHoc { products { id } }",
                                         "operationName": "AdHoc"})
    assert response.json()["data"]["products"][0] == {"id": "p1"}
    assert "'AdHoc' (sha256 " in caplog.text and "not in the trusted documents" in caplog.text


async def test_document_id_without_trusted_documents_is_not_supported(serve, http):
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", json={"documentId": "abc"})
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"
