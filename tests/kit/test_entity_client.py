"""EntityClient keeps what another subgraph said went wrong, so callers can act on its code."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from subgraphs.kit.entity_client import EntityClient, UpstreamError, UpstreamUnavailable


def answering(body: dict[str, Any]) -> EntityClient:
    """A client whose subgraph answers every request with ``body``."""
    transport = httpx.MockTransport(lambda _: httpx.Response(200, content=orjson.dumps(body)))
    return EntityClient("http://products/graphql", client=httpx.AsyncClient(transport=transport))


@pytest.mark.parametrize("code", ["NOT_FOUND", "UNAUTHENTICATED", "FORBIDDEN"])
async def test_an_upstream_graphql_error_keeps_its_code(code: str) -> None:
    errors = [
        {"message": "nope", "path": ["_entities", 0], "extensions": {"code": code}},
        {"message": "also", "extensions": {"code": "BAD_USER_INPUT"}},
    ]
    client = answering({"data": {"_entities": [None]}, "errors": errors})

    with pytest.raises(UpstreamError) as raised:
        await client.fetch("Product", [{"id": "p1"}], "id")

    assert raised.value.code == code
    assert raised.value.errors == errors
    assert code in raised.value.message and "Product" in raised.value.message


async def test_an_upstream_error_without_a_code_is_upstream_unavailable() -> None:
    client = answering({"data": None, "errors": [{"message": "boom"}]})

    with pytest.raises(UpstreamUnavailable) as raised:
        await client.fetch("Product", [{"id": "p1"}], "id")

    assert raised.value.code == "UPSTREAM_UNAVAILABLE"


async def test_entities_without_errors_come_back_in_input_order() -> None:
    client = answering({"data": {"_entities": [{"id": "p2"}, None]}})

    assert await client.fetch("Product", [{"id": "p2"}, {"id": "p9"}], "id") == [{"id": "p2"}, None]


# fetch_partial: the entities that resolved, and per index what went wrong with the others.


async def test_partial_data_keeps_the_resolved_entities_and_reports_the_failed_ones() -> None:
    errors = [{"message": "stock service down", "path": ["_entities", 1],
               "extensions": {"code": "FORBIDDEN"}}]
    client = answering({"data": {"_entities": [{"id": "p1"}, None, {"id": "p3"}]},
                        "errors": errors})

    batch = await client.fetch_partial("Product", [{"id": "p1"}, {"id": "p2"}, {"id": "p3"}], "id")

    assert batch.entities == [{"id": "p1"}, None, {"id": "p3"}]
    assert set(batch.failures) == {1}
    failure = batch.failures[1]
    assert isinstance(failure, UpstreamError) and failure.code == "FORBIDDEN"
    assert failure.errors == errors
    assert [batch.resolved(i) for i in range(3)] == [{"id": "p1"}, None, {"id": "p3"}]
    assert batch.errors == errors


async def test_each_failed_entity_keeps_its_own_upstream_code() -> None:
    errors = [
        {"message": "a", "path": ["_entities", 0], "extensions": {"code": "NOT_FOUND"}},
        {"message": "b", "path": ["_entities", 2, "stock"], "extensions": {"code": "FORBIDDEN"}},
        {"message": "c", "path": ["_entities", 3]},
    ]
    client = answering({"data": {"_entities": [None, {"id": "p2"}, None, None]},
                        "errors": errors})

    batch = await client.fetch_partial("Product", [{"id": f"p{i}"} for i in range(4)], "id")

    assert {i: f.code for i, f in batch.failures.items()} == {
        0: "NOT_FOUND", 2: "FORBIDDEN", 3: "UPSTREAM_UNAVAILABLE"}
    assert isinstance(batch.failures[3], UpstreamUnavailable)
    assert batch.resolved(1) == {"id": "p2"}


async def test_an_entity_whose_nullable_field_failed_is_present_but_not_resolved() -> None:
    errors = [{"message": "no phone", "path": ["_entities", 0, "phone"],
               "extensions": {"code": "FORBIDDEN"}}]
    client = answering({"data": {"_entities": [{"id": "u1", "phone": None}]}, "errors": errors})

    batch = await client.fetch_partial("User", [{"id": "u1"}], "id phone")

    assert batch.entities == [{"id": "u1", "phone": None}]
    assert batch.failures[0].code == "FORBIDDEN" and batch.resolved(0) is None


async def test_all_null_with_per_index_errors_fails_every_entity_without_raising() -> None:
    errors = [{"message": f"e{i}", "path": ["_entities", i],
               "extensions": {"code": "UNAUTHENTICATED"}} for i in range(2)]
    client = answering({"data": {"_entities": [None, None]}, "errors": errors})

    batch = await client.fetch_partial("Product", [{"id": "p1"}, {"id": "p2"}], "id")

    assert batch.entities == [None, None]
    assert {i: f.code for i, f in batch.failures.items()} == {
        0: "UNAUTHENTICATED", 1: "UNAUTHENTICATED"}
    assert [f.errors for f in batch.failures.values()] == [[errors[0]], [errors[1]]]


async def test_all_null_without_errors_means_every_entity_is_unknown() -> None:
    client = answering({"data": {"_entities": [None, None]}})

    batch = await client.fetch_partial("Product", [{"id": "p1"}, {"id": "p2"}], "id")

    assert batch.entities == [None, None] and batch.failures == {} and batch.errors == []


async def test_errors_without_paths_fail_the_null_entities_and_spare_the_resolved() -> None:
    errors = [{"message": "database timeout", "extensions": {"code": "SERVICE_UNAVAILABLE"}},
              {"message": "elsewhere", "path": ["somethingElse"]}]
    client = answering({"data": {"_entities": [{"id": "p1"}, None, None]}, "errors": errors})

    batch = await client.fetch_partial("Product", [{"id": f"p{i}"} for i in (1, 2, 3)], "id")

    assert batch.resolved(0) == {"id": "p1"}
    assert set(batch.failures) == {1, 2}
    assert all(f.code == "SERVICE_UNAVAILABLE" for f in batch.failures.values())
    assert batch.failures[1].errors == errors


async def test_an_error_with_its_own_path_wins_over_errors_without_one() -> None:
    errors = [{"message": "general"},
              {"message": "mine", "path": ["_entities", 0], "extensions": {"code": "NOT_FOUND"}}]
    client = answering({"data": {"_entities": [None, None]}, "errors": errors})

    batch = await client.fetch_partial("Product", [{"id": "p1"}, {"id": "p2"}], "id")

    assert batch.failures[0].code == "NOT_FOUND"
    assert batch.failures[1].code == "UPSTREAM_UNAVAILABLE"


@pytest.mark.parametrize("path", [["_entities", 5], ["_entities", -1], ["_entities", "0"],
                                  ["_entities"], "_entities.0"])
async def test_a_path_outside_the_batch_counts_as_no_path(path: object) -> None:
    errors = [{"message": "odd", "path": path, "extensions": {"code": "FORBIDDEN"}}]
    client = answering({"data": {"_entities": [{"id": "p1"}, None]}, "errors": errors})

    batch = await client.fetch_partial("Product", [{"id": "p1"}, {"id": "p2"}], "id")

    assert set(batch.failures) == {1} and batch.failures[1].code == "FORBIDDEN"


async def test_no_data_at_all_still_raises_with_the_upstream_code() -> None:
    errors = [{"message": "bad token", "extensions": {"code": "UNAUTHENTICATED"}}]
    client = answering({"data": None, "errors": errors})

    with pytest.raises(UpstreamError) as raised:
        await client.fetch_partial("Product", [{"id": "p1"}], "id")

    assert raised.value.code == "UNAUTHENTICATED" and raised.value.errors == errors


@pytest.mark.parametrize("body", [{"data": {"_entities": [{"id": "p1"}]}},  # one short
                                  {"data": None}, {}])
async def test_a_batch_of_the_wrong_shape_without_errors_is_unavailable(body: dict) -> None:
    client = answering(body)

    with pytest.raises(UpstreamUnavailable):
        await client.fetch_partial("Product", [{"id": "p1"}, {"id": "p2"}], "id")


async def test_fetch_still_fails_the_whole_batch_on_partial_data() -> None:
    # The all-or-nothing contract existing callers (cart's prices, orders' checkout) rely on.
    errors = [{"message": "nope", "path": ["_entities", 1], "extensions": {"code": "FORBIDDEN"}}]
    client = answering({"data": {"_entities": [{"id": "p1"}, None]}, "errors": errors})

    with pytest.raises(UpstreamError) as raised:
        await client.fetch("Product", [{"id": "p1"}, {"id": "p2"}], "id")

    assert raised.value.code == "FORBIDDEN"


@pytest.mark.parametrize("content", [b"[]", b'"x"', b"<html>bad gateway</html>"])
async def test_an_answer_that_is_not_a_graphql_response_is_unavailable(content: bytes) -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(502, content=content))
    client = EntityClient("http://products/graphql",
                          client=httpx.AsyncClient(transport=transport))

    for read in (client.fetch, client.fetch_partial):
        with pytest.raises(UpstreamUnavailable):
            await read("Product", [{"id": "p1"}], "id")


async def test_an_unreachable_subgraph_is_unavailable_for_partial_reads_too() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = EntityClient("http://products/graphql",
                          client=httpx.AsyncClient(transport=httpx.MockTransport(refuse)))

    with pytest.raises(UpstreamUnavailable):
        await client.fetch_partial("Product", [{"id": "p1"}], "id")


async def test_no_keys_asks_nothing() -> None:
    asked: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: asked.append(r) or httpx.Response(200, json={}))
    client = EntityClient("http://x/graphql", client=httpx.AsyncClient(transport=transport))

    assert (await client.fetch_partial("Product", [], "id")).entities == []
    assert asked == []
