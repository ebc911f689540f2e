"""Refuse string inputs holding U+0000 with BAD_USER_INPUT before anything runs.

PostgreSQL's text types cannot store the NUL character (PostgreSQL docs, §8.3 "Character
Types"): asyncpg refuses such a parameter, which surfaced as INTERNAL_SERVER_ERROR (a fuzzing
finding: ``login(email: "k\\u0000")``). No field of ours has a use for it, so any string argument
or variable holding one is refused, whatever the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import BREAK, DocumentNode, ExecutionResult, GraphQLError, StringValueNode, Visitor
from graphql import visit as visit_ast
from strawberry.extensions import SchemaExtension

from subgraphs.kit.documents import PerDocument
from subgraphs.kit.errors import BadUserInput

__all__ = ["RefuseNulCharacters", "holds_nul"]

MESSAGE = "String inputs cannot contain the NUL character (U+0000)"
# Whether a document's literals hold U+0000, looked at once per parsed document: walking the
# document on every request was ~10 % of a cart request's CPU (the parse cache hands out the
# same document for the same text; kit/documents.py).
_LITERALS: PerDocument[bool] = PerDocument(512)


class RefuseNulCharacters(SchemaExtension):
    """Answer an operation whose literals or variables hold U+0000 with one BAD_USER_INPUT."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if holds_nul(context.variables) or _literal_holds_nul(context.graphql_document):
            error = BadUserInput(MESSAGE)
            # a result set before execution makes strawberry skip executing the operation
            context.result = ExecutionResult(None, [GraphQLError(MESSAGE, original_error=error)])
        yield


def holds_nul(value: Any) -> bool:
    """True when a string anywhere in ``value`` (variables: dicts, lists) holds U+0000."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


class _FindNul(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if "\x00" in node.value:
            self.found = True
            return BREAK
        return None


def _literal_holds_nul(document: DocumentNode | None) -> bool:
    if document is None:
        return False
    return _LITERALS.get_or_make(document, None, lambda: _visit_literals(document))


def _visit_literals(document: DocumentNode) -> bool:
    finder = _FindNul()
    visit_ast(document, finder)
    return finder.found
