"""The client's operation as the executor needs it, prepared once per document and cached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableNode,
)

from gateway.executor.introspection import introspection_document
from gateway.executor.shape import ShapePlans

__all__ = ["ClientOperation"]


@dataclass(frozen=True, slots=True)
class ClientOperation:
    """One operation of a validated document, against the API schema."""

    schema: GraphQLSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    root_type: GraphQLObjectType
    introspection: DocumentNode | None
    shapes: ShapePlans  # how to shape its responses, worked out once

    @property
    def kind(self) -> str:
        return self.operation.operation.value

    @classmethod
    def prepare(
        cls, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> ClientOperation:
        """Index fragments and cut out the introspection part; the operation must be valid."""
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        root_type = schema.get_root_type(operation.operation)
        if root_type is None:
            raise ValueError(f"the schema has no {operation.operation.value} type")
        shapes = ShapePlans(schema, fragments, operation.selection_set,
                            _condition_variables(operation, fragments))
        return cls(schema, document, operation, fragments, root_type,
                   introspection_document(operation, fragments), shapes)


def _condition_variables(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """The variables any ``@skip``/``@include`` of the operation or its fragments reads."""
    names: dict[str, None] = {}

    def visit(selection_set: Any) -> None:
        for selection in selection_set.selections if selection_set is not None else ():
            for directive in selection.directives or ():
                if directive.name.value in ("skip", "include"):
                    for argument in directive.arguments or ():
                        if isinstance(argument.value, VariableNode):
                            names[argument.value.name.value] = None
            visit(getattr(selection, "selection_set", None))

    visit(operation.selection_set)
    for fragment in fragments.values():
        visit(fragment.selection_set)
    return tuple(names)
