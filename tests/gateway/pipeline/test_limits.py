"""Oversized, deep and alias-amplified documents are refused quickly with a clear code."""

from __future__ import annotations

import time

from gateway.config import GatewayConfig, LimitsConfig
from gateway.pipeline import GraphQLRequest, Pipeline
from tests.gateway.pipeline.shop import Shop


def limited(**limits) -> Pipeline:
    config = GatewayConfig(limits=LimitsConfig(**limits))
    return Shop().app(config).state.gateway.pipeline


async def refused(pipeline: Pipeline, query: str) -> dict:
    outcome = await pipeline.run(GraphQLRequest(query))
    assert "data" not in outcome.response
    assert outcome.request_error_status == 400
    [error] = outcome.response["errors"]
    return error


async def test_document_over_the_byte_limit_is_refused_before_parsing():
    error = await refused(limited(max_document_bytes=1000), "{ " + "whoami " * 500 + "}")
    assert error["extensions"]["code"] == "MAX_DOCUMENT_SIZE_LIMIT"


async def test_document_over_the_token_limit_is_a_parse_error():
    error = await refused(limited(max_tokens=100), "{ " + "whoami " * 200 + "}")
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "tokens" in error["message"]


async def test_deeply_nested_query_is_refused_with_its_depth():
    query = "{" + " products {" * 40 + " id" + " }" * 40 + " }"
    error = await refused(limited(max_depth=10), query)
    assert error["extensions"]["code"] == "MAX_DEPTH_LIMIT"
    assert "41 levels" in error["message"]


async def test_many_aliases_are_refused_before_validation():
    query = "{ " + " ".join(f"a{i}: whoami" for i in range(5000)) + " }"
    started = time.perf_counter()
    error = await refused(limited(max_aliases=100, max_root_fields=10_000, max_tokens=50_000,
                                  max_document_bytes=200_000), query)
    assert error["extensions"]["code"] == "MAX_ALIASES_LIMIT"
    assert time.perf_counter() - started < 20.0  # linear, not 2^31


async def test_exponential_fragment_spreads_are_measured_without_expanding_them():
    # F0 has two aliases and each Fk spreads F(k-1) twice: 2^31 aliases once expanded
    fragments = ["fragment F0 on Query { a: whoami b: whoami }"] + [
        f"fragment F{k} on Query {{ ...F{k - 1} ... on Query {{ ...F{k - 1} }} }}"
        for k in range(1, 31)
    ]
    query = "{ ...F30 } " + " ".join(fragments)
    started = time.perf_counter()
    error = await refused(limited(), query)
    assert error["extensions"]["code"] in ("MAX_ALIASES_LIMIT", "MAX_ROOT_FIELDS_LIMIT")
    assert time.perf_counter() - started < 20.0  # linear, not 2^31


async def test_too_many_root_fields_are_refused():
    error = await refused(limited(max_root_fields=3), "{ whoami w2: whoami w3: whoami w4: whoami }")
    assert error["extensions"]["code"] == "MAX_ROOT_FIELDS_LIMIT"


async def test_fragment_cycle_is_a_validation_error_not_a_hang():
    error = await refused(limited(), "{ ...A } fragment A on Query { ...B } "
                                     "fragment B on Query { ...A }")
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["locations"]
