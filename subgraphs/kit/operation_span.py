"""The operation's name and type on the subgraph's server span (OpenTelemetry GraphQL semantic
conventions: ``graphql.operation.type``, ``graphql.operation.name``), as the gateway writes
them on its own. Only a recording span (a sampled request) is touched; ``graphql.document`` is
not recorded, since a document may carry credentials as literals."""

from __future__ import annotations

from collections.abc import Iterator

from opentelemetry import trace
from strawberry.extensions import SchemaExtension

__all__ = ["OperationSpan"]


class OperationSpan(SchemaExtension):
    """Names the executed operation on the current (server) span."""

    def on_execute(self) -> Iterator[None]:
        span = trace.get_current_span()
        if span.is_recording():
            context = self.execution_context
            span.set_attribute("graphql.operation.type", context.operation_type.value)
            if context.operation_name:
                span.set_attribute("graphql.operation.name", context.operation_name)
        yield
