"""The kit's schema works out each operation text once (parse, validation, NUL literals), yet
every request gets the answer it would get on a fresh schema: per schema and rules, per text."""

from __future__ import annotations

import strawberry

from subgraphs.kit.app import _without_introspection
from subgraphs.kit.schema import federation_schema


@strawberry.type
class Query:
    @strawberry.field
    def echo(self, text: str) -> str:
        return text


SCHEMA = federation_schema(query=Query)
INTROSPECTION = "{ __schema { queryType { name } } }"


def _codes(result: strawberry.types.ExecutionResult) -> list[str]:
    return [(e.extensions or {}).get("code", "") for e in result.errors or []]


async def test_the_same_text_is_validated_for_each_schema_and_rules_it_meets() -> None:
    # given one schema and its production copy refusing introspection (an extra rule)
    locked = _without_introspection(SCHEMA)
    for _ in range(3):
        # when the same introspection text goes to each, in turn, again and again
        open_answer = await SCHEMA.execute(INTROSPECTION)
        locked_answer = await locked.execute(INTROSPECTION)
        # then the first answers it and the copy refuses it, every time
        assert open_answer.errors is None
        assert open_answer.data == {"__schema": {"queryType": {"name": "Query"}}}
        assert locked_answer.data is None
        assert set(_codes(locked_answer)) == {"GRAPHQL_VALIDATION_FAILED"}


async def test_an_invalid_text_keeps_its_errors_and_a_valid_one_keeps_answering() -> None:
    for _ in range(3):
        invalid = await SCHEMA.execute("{ echo }")
        valid = await SCHEMA.execute('{ echo(text: "hi") }')
        assert invalid.data is None
        assert _codes(invalid) == ["GRAPHQL_VALIDATION_FAILED"]
        assert "Query.echo(text:)" in invalid.errors[0].message
        assert valid.errors is None and valid.data == {"echo": "hi"}


async def test_nul_literals_are_refused_each_time_and_variables_are_checked_per_request() -> None:
    with_nul = '{ echo(text: "a\\u0000b") }'
    with_variable = "query($t: String!) { echo(text: $t) }"
    for _ in range(3):
        # a literal holding U+0000 is refused on every send of the text
        literal = await SCHEMA.execute(with_nul)
        assert literal.data is None and _codes(literal) == ["BAD_USER_INPUT"]
        # the same variable-taking text is refused or answered by what each request sends
        refused = await SCHEMA.execute(with_variable, variable_values={"t": "a\x00b"})
        answered = await SCHEMA.execute(with_variable, variable_values={"t": "ab"})
        assert refused.data is None and _codes(refused) == ["BAD_USER_INPUT"]
        assert answered.errors is None and answered.data == {"echo": "ab"}
