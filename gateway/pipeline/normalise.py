"""Step 3: pick the operation to run (GraphQL spec §6.1 GetOperation) and prepare it once."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode

from gateway.executor import ClientOperation
from gateway.pipeline.errors import OperationNotFound

__all__ = ["prepare_operation", "select_operation"]


def select_operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode:
    """The named operation, or the only one when no name is given."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        raise OperationNotFound(
            "Must provide operation name if query contains multiple operations."
            if operations else "Must provide an operation."
        )
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    raise OperationNotFound(f"Unknown operation named '{operation_name}'.")


def prepare_operation(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> ClientOperation:
    """What the executor reads about the client's operation (fragments indexed, etc.).

    The executor shapes from the client's own selections, fragments resolved per runtime type,
    so no inlining is needed here; the planner normalises for itself.
    """
    return ClientOperation.prepare(schema, document, select_operation(document, operation_name))
