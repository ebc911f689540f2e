"""The kit's federation schema keeps request text (and so inline secrets) out of the logs."""

from __future__ import annotations

import logging

import pytest
import strawberry

from subgraphs.kit.errors import BadUserInput
from subgraphs.kit.schema import federation_schema


@strawberry.type
class Query:
    @strawberry.field
    def check(self, secret: str) -> str:
        raise BadUserInput("Secret is too weak", field="secret")

    @strawberry.field
    def crash(self, secret: str) -> str:
        raise RuntimeError("boom")


SCHEMA = federation_schema(query=Query)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('{ check(secret: "hunter2-inline") }', "BAD_USER_INPUT"),
        ('{ crash(secret: "hunter2-inline") }', "INTERNAL_SERVER_ERROR"),
        ('{ check(secret: 12345, nope: "hunter2-inline") }', "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_errors_are_coded_and_their_log_lines_never_quote_the_request(
    caplog: pytest.LogCaptureFixture, query: str, code: str
) -> None:
    # when an operation carrying an inline secret fails (rule, crash or validation)
    with caplog.at_level(logging.DEBUG):
        result = await SCHEMA.execute(query)
    # then the client sees a code, and no log line or traceback contains the secret
    assert result.errors and result.errors[0].extensions["code"] == code
    logged = "\n".join(r.getMessage() + str(r.exc_text or "") for r in caplog.records)
    assert "hunter2" not in logged
    assert "hunter2" not in caplog.text


@strawberry.federation.type(keys=["id"])
class Thing:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Thing:
        return cls(id=id)


ENTITY_SCHEMA = federation_schema(query=Query, types=[Thing])
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id } } }"


@pytest.mark.parametrize(
    "bad",
    [{"id": "1"}, {"__typename": "Nope", "id": "1"}, {"__typename": "Query"},
     {"__typename": ["Thing"]}, "just-a-string"],
)
async def test_malformed_representations_are_bad_user_input(bad: object) -> None:
    good = {"__typename": "Thing", "id": "1"}
    result = await ENTITY_SCHEMA.execute(ENTITIES, {"r": [good, bad]})
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "representations[1]"}


async def test_well_formed_representations_still_resolve() -> None:
    result = await ENTITY_SCHEMA.execute(ENTITIES, {"r": [{"__typename": "Thing", "id": "7"}]})
    assert result.errors is None
    assert result.data == {"_entities": [{"id": "7"}]}
