"""The client's operation as the executor needs it, prepared once per document and cached."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
)

from gateway.executor.introspection import introspection_document

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
        return cls(schema, document, operation, fragments, root_type,
                   introspection_document(operation, fragments))
