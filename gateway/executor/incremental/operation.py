"""What incremental delivery needs about one operation and its plan, prepared once and cached."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
)

from gateway.executor.fields import FieldCollector
from gateway.executor.incremental.directives import defer_directive, defer_variables, is_on
from gateway.executor.incremental.fetch_paths import Leaf, plan_leaves, written_paths
from gateway.executor.incremental.parts import DeferredPart, discover_parts
from gateway.executor.operation import ClientOperation
from gateway.executor.shape import ShapePlans
from gateway.plan import QueryPlan

__all__ = ["IncrementalOperation", "PartShapes"]

KeyPath = tuple[str, ...]


class _UndeferredCollector(FieldCollector):
    """CollectFields that leaves out the fragments deferred in this request: each part's fields
    are shaped on their own, so a null never propagates across a defer boundary."""

    def _included(self, selection: SelectionNode) -> bool:
        if not FieldCollector._included(self, selection):
            return False
        if type(selection) is FieldNode:
            return True
        directive = defer_directive(selection)
        return directive is None or not is_on(directive, self.variables)


class PartShapes(ShapePlans):
    """Shaping plans of one part: its own selections, the deferred ones below it left out."""

    collector_type = _UndeferredCollector


class IncrementalOperation:
    """An operation that uses ``@defer``, with the plan it runs and the fetches' written paths."""

    def __init__(self, operation: ClientOperation, plan: QueryPlan) -> None:
        self.operation = operation
        self.plan = plan
        shapes = operation.shapes
        self.variables = (*shapes.variables,
                          *(v for v in defer_variables(operation.document)
                            if v not in shapes.variables))
        self.primary = PartShapes(operation.schema, operation.fragments,
                                  operation.operation.selection_set, self.variables)
        self.leaves: list[Leaf] = plan_leaves(plan.node)
        self.written: list[frozenset[KeyPath]] = [written_paths(leaf) for leaf in self.leaves]
        self._shapes: dict[int, tuple[Any, PartShapes]] = {}

    def with_plan(self, plan: QueryPlan) -> IncrementalOperation:
        """The same operation with another plan (field authorization re-plans it)."""
        return self if plan is self.plan else IncrementalOperation(self.operation, plan)

    def parts(self, variables: dict[str, Any]) -> list[DeferredPart]:
        operation = self.operation
        return discover_parts(operation.schema, operation.root_type,
                              operation.operation.selection_set, operation.fragments, variables)

    def active(self, variables: dict[str, Any]) -> bool:
        """True when this request defers something (``@defer(if:)`` and ``@skip`` resolved)."""
        return len(self.parts(variables)) > 1

    def shapes_of(self, part: DeferredPart) -> PartShapes:
        """The part's shaping plans, made once per deferred fragment."""
        fragment = part.fragment
        found = self._shapes.get(id(fragment))
        if found is None or found[0] is not fragment:
            operation = self.operation
            if isinstance(fragment, FragmentSpreadNode):
                definition = operation.fragments[fragment.name.value]
                inline = InlineFragmentNode(type_condition=definition.type_condition,
                                            selection_set=definition.selection_set,
                                            directives=())
            else:
                assert fragment is not None
                inline = InlineFragmentNode(type_condition=fragment.type_condition,
                                            selection_set=fragment.selection_set, directives=())
            shapes = PartShapes(operation.schema, operation.fragments,
                                SelectionSetNode(selections=(inline,)), self.variables)
            found = self._shapes[id(fragment)] = (fragment, shapes)
        return found[1]
