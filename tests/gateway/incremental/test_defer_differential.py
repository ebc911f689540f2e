"""``@defer`` through our gateway and through Hive Gateway (npm, ``deferStream`` on) over the
same sample supergraphs and subgraphs: the merged final results must be identical (data, and
the sorted error paths).

Apollo Gateway has no ``@defer`` (only Apollo Router does), so Hive Gateway is the reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from tests.gateway.harness import (
    OracleProcess,
    Samples,
    case_named,
    require_oracle,
    sample_gateways,
)
from tests.gateway.incremental.client import ACCEPT_DEFER, merged, multipart_payloads

pytestmark = [pytest.mark.differential, pytest.mark.timeout(120)]

# (case, query, hive_wrong): where Hive Gateway 2.x answers wrongly, ours is compared with our
# own answer to the same query without @defer (itself held to Apollo Gateway by test_samples).
NESTED_JUMP = ("Hive fails a deferred fragment whose fields need a further entity jump inside "
               "another deferred fragment or list (errors at those paths, the fields missing)")
INTERFACE_OBJECT = ("Hive fails @interfaceObject fields inside a deferred fragment (errors at "
                    "their paths, the fields missing)")
CASES: list[tuple[str, str, str | None]] = [
    ("simple-entity-jump",
     '{ products(first: 3) { name ... @defer(label: "s") { stock inStock } } }', None),
    ("simple-entity-jump",
     '{ products(first: 2) { name ... @defer(label: "r") { reviews { rating '
     '... @defer(label: "b") { body } } } } }', NESTED_JUMP),
    ("simple-entity-jump",
     '{ grid { name ... @defer { stock } } topReviews { body ... @defer { product { name } } } }',
     NESTED_JUMP),
    ("simple-entity-jump",
     '{ products(first: 3) @stream(initialCount: 1) { name stock } '
     'topReviews @stream { body ... @defer { rating } } }',
     "Hive forwards @stream to the subgraph, which refuses the unknown directive (data null)"),
    ("interfaces-across-subgraphs",
     '{ accounts { __typename id ... on Customer @defer(label: "c") { tier points } } }', None),
    ("fragments-variables-aliases",
     '{ products(first: 2) { ...Card @defer(label: "card") } product(id: "p3") { id '
     '...Stock @defer } } fragment Card on Product { id name ...Stock } '
     'fragment Stock on Product { stock }',
     "Hive cannot plan a selection whose fields are all deferred ('The request must contain "
     "at least one operation')"),
    ("interface-object",
     '{ lowStock { __typename id ... @defer(label: "d") { stockCount title '
     '... on Book { author } ... on Movie { director } } } }', INTERFACE_OBJECT),
    ("interface-object", '{ media { id ... on Movie @defer { stockCount } } }',
     INTERFACE_OBJECT),
    ("requires", '{ products { weight: name ... @defer { shippingEstimate } } }',
     "Hive sends the products subgraph a document whose alias 'weight' clashes with the key "
     "field it adds for @requires (a subgraph validation error, data null)"),
    ("mutations-serial-order",
     'mutation { b: increment(by: 5) { value ... @defer { ledgerLength } } '
     'c: append(text: "c") { position ... @defer(label: "log") { log } } }',
     "Hive answers c's deferred log with an error; it also resolves b's deferred ledgerLength "
     "after c ran (1), where ours reads it where the mutation's plan reads it without @defer "
     "(0): the RFC leaves when a deferred fragment of a mutation field runs to the server"),
    ("nested-entity-chain",
     '{ me { name orders { id ... @defer(label: "pay") { payment { status } } '
     'items { quantity ... @defer { product { name } } } } } }', NESTED_JUMP),
]
# Same data as Hive; Hive writes a deferred field's error path with the field twice
# (["product", "rating", "rating"]); ours is the field's path. Subgraph down: one error without
# a path for the failed request, as our non-deferred answer (a free choice, see the samples).
DATA_ONLY: list[tuple[str, str]] = [
    ("errors-and-null-propagation",
     '{ product(id: "p2") { name ... @defer(label: "r") { rating } } '
     'other: product(id: "p1") { name ... @defer { rating } } }'),
    ("errors-and-null-propagation",
     '{ products { name ... @defer(label: "ship") { shippingCost } } }'),
]


@pytest.fixture(scope="module")
def hive(samples: Samples, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OracleProcess]:
    require_oracle()
    names = sorted({case for case, *_ in CASES + DATA_ONLY})
    process = OracleProcess(sample_gateways({n: samples.urls(n) for n in names}),
                            tmp_path_factory.mktemp("hive-defer"), runtime="hive-defer")
    yield process
    process.stop()


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    paths = sorted((e.get("path") or [] for e in result.get("errors", [])), key=repr)
    return {"data": result.get("data"), "error_paths": paths}


async def _ours(case: str, samples: Samples, body: dict[str, Any],
                accept: str) -> httpx.Response:
    app = create_app(case_named(case).supergraph, subgraph_urls=samples.urls(case))
    samples.prepare(case)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        return await client.post("/graphql", json=body, headers={"accept": accept})


def _hive(case: str, samples: Samples, hive: OracleProcess, query: str) -> dict[str, Any]:
    samples.prepare(case)
    theirs = httpx.post(hive.gateways[case].url, json={"query": query},
                        headers={"accept": ACCEPT_DEFER}, timeout=30)
    return merged(multipart_payloads(theirs.content, "-"))


@pytest.mark.parametrize(("case", "query", "hive_wrong"), CASES,
                         ids=[f"{c}-{i}" for i, (c, *_) in enumerate(CASES)])
async def test_merged_result_matches_hive_gateway(case: str, query: str, hive_wrong: str | None,
                                                  samples: Samples,
                                                  hive: OracleProcess) -> None:
    # given the same subgraphs behind both gateways, when the client defers part of the query
    our_payloads = multipart_payloads(
        (await _ours(case, samples, {"query": query}, ACCEPT_DEFER)).content)
    assert our_payloads[0]["hasNext"] is True
    if hive_wrong is None:
        expected = _hive(case, samples, hive, query)
    else:  # the same query without @defer, answered at once
        plain = re.sub(r"@(defer|stream)(\([^)]*\))?", "", query)
        expected = (await _ours(case, samples, {"query": plain}, "application/json")).json()
    # then the client ends with the same result
    assert _comparable(merged(our_payloads)) == _comparable(expected)


@pytest.mark.parametrize(("case", "query"), DATA_ONLY,
                         ids=[f"{c}-{i}" for i, (c, _) in enumerate(DATA_ONLY)])
async def test_merged_data_matches_hive_gateway_under_errors(case: str, query: str,
                                                             samples: Samples,
                                                             hive: OracleProcess) -> None:
    our_payloads = multipart_payloads(
        (await _ours(case, samples, {"query": query}, ACCEPT_DEFER)).content)
    ours, theirs = merged(our_payloads), _hive(case, samples, hive, query)
    assert ours["data"] == theirs["data"]
    assert len(ours.get("errors", [])) >= 1 and len(theirs.get("errors", [])) >= 1
