"""Aliased answers go back under the keys the plan expects: data, nested lists, error paths."""

from __future__ import annotations

import asyncio

from graphql import build_schema, parse, print_schema

from gateway.executor import ClientOperation
from gateway.executor.renames import restore_keys, restore_path
from gateway.executor.subscription import complete_event
from gateway.pipeline.normalise import select_operation
from gateway.plan import FetchNode, Rename
from tests.gateway.executor.harness import Subgraphs, entities, execute
from tests.gateway.planner.planning import plan, supergraph

NESTED = (Rename("accounts", "accounts", (
    Rename("__alias_1_id", "id"),
    Rename("similar", "similar", (Rename("__alias_1_id", "id"),)),
)),)


def test_aliased_answers_move_back_through_nested_lists():
    data = {"accounts": [
        {"id": "u1", "similar": [{"__alias_1_id": "a1"}, [{"__alias_1_id": "a2"}], None]},
        {"__alias_1_id": "a1", "similar": []},
        None,
    ]}
    restore_keys(data, NESTED)
    assert data == {"accounts": [
        {"id": "u1", "similar": [{"id": "a1"}, [{"id": "a2"}], None]},
        {"id": "a1", "similar": []},
        None,
    ]}


def test_an_aliased_object_merges_into_the_one_already_under_its_key():
    # given both classes answered for one object (their parents overlap): one value, two halves
    renames = (Rename("owner", "owner", (Rename("__alias_1_x", "x"),)),
               Rename("__alias_1_owner", "owner", (Rename("__alias_2_x", "y"),)))
    data = {"owner": {"__alias_1_x": 1}, "__alias_1_owner": {"__alias_2_x": 2, "z": 3}}
    restore_keys(data, renames)
    # then each half's own renames apply to it alone, and the halves merge
    assert data == {"owner": {"x": 1, "y": 2, "z": 3}}


def test_error_paths_name_the_keys_the_answer_goes_back_to():
    path = ["accounts", 1, "similar", 0, "__alias_1_id"]
    assert restore_path(path, NESTED) == ["accounts", 1, "similar", 0, "id"]
    assert restore_path(["accounts", 0, "__alias_1_x"], ()) == ["accounts", 0, "__alias_1_x"]


QUERY = "{ accounts { ... on User { id name } ... on Admin { id name } } }"


def _subgraphs() -> Subgraphs:
    def a(_request):
        return {"data": {"accounts": [
            {"__typename": "User", "id": "u1"}, {"__typename": "Admin", "__alias_1_id": "a1"},
        ]}}

    def b(request):
        answers = []
        for rep in entities(request):
            if rep["__typename"] == "User":
                answers.append({"__typename": "User", "name": "Ada"})
            else:
                answers.append({"__typename": "Admin", "__alias_1_name": None})
        error = {"message": "no name", "path": ["_entities", 1, "__alias_1_name"]}
        return {"data": {"_entities": answers}, "errors": [error]}

    return Subgraphs({"a": a, "b": b})


async def test_a_planned_query_with_aliased_fields_answers_under_the_clients_keys():
    # given the plan aliases Admin.id in a and Admin.name in b (other shapes than User's there)
    plan_ = plan("conflicting_fields", QUERY)
    schema = print_schema(supergraph("conflicting_fields").api_schema)
    subgraphs = _subgraphs()
    # when it runs against subgraphs answering under those aliases
    async with asyncio.timeout(10):
        response = await execute(schema, QUERY, plan_.node, subgraphs)
    # then the client sees its own keys, the key for b was read back, and the error's path too
    assert entities(subgraphs.requests["b"][0]["body"]) == [
        {"__typename": "User", "id": "u1"}, {"__typename": "Admin", "id": "a1"},
    ]
    assert response == {
        "data": {"accounts": [{"id": "u1", "name": "Ada"}, {"id": "a1", "name": None}]},
        "errors": [{"message": "no name", "path": ["accounts", 1, "name"],
                    "extensions": {"serviceName": "b"}}],
    }


SUBSCRIPTION_SCHEMA = """
type Query { none: Int }
type Subscription { accountAdded: Account }
union Account = User | Admin
type User { id: ID }
type Admin { id: ID }
"""


async def test_a_subscription_event_answering_under_an_alias_reaches_the_client_under_its_key():
    # given the stream's document aliases Admin.id (another shape than User.id in its subgraph)
    document = parse("subscription { accountAdded { ... on User { id } ... on Admin { id } } }")
    schema = build_schema(SUBSCRIPTION_SCHEMA)
    operation = ClientOperation.prepare(schema, document, select_operation(document, None))
    renames = (Rename("accountAdded", "accountAdded", (Rename("__alias_1_id", "id"),)),)
    root = FetchNode("a", "subscription { ... }", "subscription", renames=renames)
    event = {"data": {"accountAdded": {"__typename": "Admin", "__alias_1_id": "a1"}},
             "errors": [{"message": "late", "path": ["accountAdded", "__alias_1_id"]}]}
    # when one event completes
    async with asyncio.timeout(10):
        response = await complete_event(event, root, None, operation, Subgraphs({}).pool(),
                                        {}, lambda _: {})
    # then the client's key holds the value, and the error's path names it
    assert response["data"] == {"accountAdded": {"id": "a1"}}
    assert [e["path"] for e in response["errors"]] == [["accountAdded", "id"]]
