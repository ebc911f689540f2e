"""CollectFields (GraphQL spec §6.3.2) over the client's own operation, per runtime type."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    is_abstract_type,
)

__all__ = ["FieldCollector"]


class FieldCollector:
    """Group selections by response key for one request (``@skip``/``@include`` resolved)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self._cache: dict[tuple, dict[str, list[FieldNode]]] = {}

    def collect(
        self, runtime: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode | None]
    ) -> dict[str, list[FieldNode]]:
        """Response key -> the field nodes asked for it, in the client's order."""
        sets = tuple(s for s in selection_sets if s is not None)
        key = (runtime.name, *map(id, sets))
        cached = self._cache.get(key)
        if cached is None:
            cached = {}
            for selection_set in sets:
                self._collect(runtime, selection_set, cached, set())
            self._cache[key] = cached
        return cached

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        out: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                out.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, runtime):
                    self._collect(runtime, selection.selection_set, out, visited)
            elif isinstance(selection, FragmentSpreadNode):
                self._spread(runtime, selection.name.value, out, visited)

    def _spread(
        self,
        runtime: GraphQLObjectType,
        name: str,
        out: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        fragment = self.fragments.get(name)
        if name in visited or fragment is None:
            return
        visited.add(name)
        if self._applies(fragment.type_condition.name.value, runtime):
            self._collect(runtime, fragment.selection_set, out, visited)

    def _applies(self, condition: str, runtime: GraphQLObjectType) -> bool:
        """DoesFragmentTypeApply (§6.3.2)."""
        if condition == runtime.name:
            return True
        parent = self.schema.get_type(condition)
        return is_abstract_type(parent) and self.schema.is_sub_type(parent, runtime)  # type: ignore[arg-type]

    def _included(self, selection: SelectionNode) -> bool:
        """``@skip(if:)`` and ``@include(if:)`` (§3.13.2, §3.13.3)."""
        for directive in selection.directives or ():
            name = directive.name.value
            if name in ("skip", "include"):
                value = self._if_argument(directive.arguments)
                if (name == "skip") == value:
                    return False
        return True

    def _if_argument(self, arguments: Any) -> bool:
        for argument in arguments or ():
            if argument.name.value != "if":
                continue
            node = argument.value
            if isinstance(node, BooleanValueNode):
                return node.value
            if isinstance(node, VariableNode):
                return self.variables.get(node.name.value) is True
        return False
