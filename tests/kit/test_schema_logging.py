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
