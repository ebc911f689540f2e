"""Step 5 (per request): coerce variable values (GraphQL spec §6.1.2 CoerceVariableValues)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import get_variable_values

from gateway.pipeline.errors import VariablesInvalid

__all__ = ["coerce_variables"]


def coerce_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: dict[str, Any]
) -> dict[str, Any]:
    """The coerced values (defaults applied); VariablesInvalid lists every problem."""
    result = get_variable_values(
        schema, operation.variable_definitions or (), inputs, max_errors=20
    )
    if isinstance(result, list):
        raise VariablesInvalid.from_graphql(result)
    return dict(getattr(result, "coerced", result))
