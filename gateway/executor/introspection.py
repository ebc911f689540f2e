"""Introspection (``__schema``, ``__type``) answered by the gateway from the API schema."""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    experimental_execute_incrementally,
)

__all__ = ["introspection_document", "run_introspection"]

_META = frozenset({"__schema", "__type"})


def introspection_document(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> DocumentNode | None:
    """The operation cut down to its introspection root fields; None when it has none.

    Named fragments spread at the root become inline fragments, so the cut-down selection never
    drags in a fragment with data fields; fragments used below ``__schema`` stay as they are.
    """
    selection_set = _meta_only(operation.selection_set, fragments, set())
    if selection_set is None:
        return None
    cut = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=selection_set,
    )
    # @defer/@stream are the gateway's to plan; the meta fields are answered at once (imported
    # here: the incremental package itself runs introspection)
    from gateway.executor.incremental.directives import without_incremental

    return without_incremental(DocumentNode(definitions=(cut, *fragments.values())))


def _meta_only(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> SelectionSetNode | None:
    kept: list[Any] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in _META:
                kept.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            inner = _meta_only(selection.selection_set, fragments, seen)
            if inner is not None:
                kept.append(_inline(selection.type_condition, selection.directives, inner))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or fragment.name.value in seen:
                continue
            inner = _meta_only(fragment.selection_set, fragments, seen | {fragment.name.value})
            if inner is not None:
                kept.append(_inline(fragment.type_condition, selection.directives, inner))
    return SelectionSetNode(selections=tuple(kept)) if kept else None


def _inline(type_condition: Any, directives: Any, selection_set: SelectionSetNode) -> Any:
    return InlineFragmentNode(
        type_condition=type_condition, directives=directives, selection_set=selection_set
    )


def run_introspection(
    schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any] | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Execute the introspection part with graphql-core; return its data and errors."""
    # The API schema declares @defer/@stream, which graphql-core's plain ``execute`` refuses;
    # the document holds neither (``introspection_document``), so this is one ExecutionResult.
    result = experimental_execute_incrementally(schema, document,
                                                variable_values=variables or {})
    assert isinstance(result, ExecutionResult)
    errors = [error.formatted for error in result.errors or ()]
    return result.data or {}, errors  # type: ignore[return-value]
