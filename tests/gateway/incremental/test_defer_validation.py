"""The API schema declares ``@defer``/``@stream``; the incremental delivery RFC's validation
rules refuse misuse before anything runs."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from gateway.supergraph import load_supergraph
from tests.gateway.harness import case_named

SCHEMA = load_supergraph(case_named("simple-entity-jump").supergraph).api_schema


def test_api_schema_declares_defer_and_stream() -> None:
    # then introspection (and so GraphiQL) offers both, with their arguments
    defer, stream = SCHEMA.get_directive("defer"), SCHEMA.get_directive("stream")
    assert defer is not None and set(defer.args) == {"if", "label"}
    assert stream is not None and set(stream.args) == {"if", "label", "initialCount"}


@pytest.mark.parametrize(("query", "message"), [
    ('{ products { ... @defer(label: "a") { name } ... @defer(label: "a") { stock } } }',
     "unique"),
    ('query($l: String) { products { ... @defer(label: $l) { name } } }', "static"),
    ("{ products { name @defer } }", "may not be used on field"),
    ("{ products { name @stream } }", "list"),
    ("subscription { __typename ... @defer { __typename } }", "subscription"),
])
def test_misused_incremental_directives_are_refused(query: str, message: str) -> None:
    errors = validate(SCHEMA, parse(query))
    assert errors and message in " ".join(e.message for e in errors)


def test_well_formed_defer_validates() -> None:
    query = ('query($d: Boolean!) { products { name ... @defer(if: $d, label: "s") { stock } '
             "reviews @stream(initialCount: 1) { rating } } }")
    assert validate(SCHEMA, parse(query)) == []
