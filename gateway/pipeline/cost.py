"""Static cost estimate of an operation (Apollo demand control, IBM GraphQL cost spec).

Weights come from the supergraph's ``@cost(weight:)`` on fields and types, and list sizes from
``@listSize(assumedSize:, slicingArguments:)``; otherwise defaults: a composite field weighs
``object_weight``, a leaf ``scalar_weight``, a list multiplies its items' cost by ``list_size``.
A mutation root field adds ``mutation_weight``. Fragments on different types are summed, an
upper bound. Estimated once per document and operation (the result is cached with the plan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    InterfaceTypeDefinitionNode,
    IntValueNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SelectionSetNode,
    StringValueNode,
    get_named_type,
    is_leaf_type,
    parse,
)

from gateway.executor import ClientOperation
from gateway.pipeline.errors import LimitExceeded

__all__ = ["CostModel", "estimate_cost"]

_COST = ("cost", "cost__cost")
_LIST_SIZE = ("listSize", "cost__listSize")


@dataclass(frozen=True)
class CostModel:
    """Weights and list sizes from the supergraph, plus the configured defaults and maximum."""

    max_cost: int = 0
    list_size: int = 10
    object_weight: int = 1
    scalar_weight: int = 0
    mutation_weight: int = 10
    weights: dict[str, int] = field(default_factory=dict)  # "Type" or "Type.field"
    sizes: dict[str, tuple[int | None, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def from_sdl(cls, sdl: str, **defaults: Any) -> CostModel:
        """Read ``@cost`` and ``@listSize`` from the supergraph SDL."""
        model = cls(**defaults)
        for node in parse(sdl, no_location=True).definitions:
            if isinstance(node, ObjectTypeDefinitionNode | ObjectTypeExtensionNode
                          | InterfaceTypeDefinitionNode):
                model._read_type(node)
        return model

    def _read_type(self, node: Any) -> None:
        name = node.name.value
        weight = _argument(node, _COST, "weight")
        if isinstance(weight, int):
            self.weights[name] = weight
        for definition in node.fields or ():
            coordinate = f"{name}.{definition.name.value}"
            weight = _argument(definition, _COST, "weight")
            if isinstance(weight, int):
                self.weights[coordinate] = weight
            if any(d.name.value in _LIST_SIZE for d in definition.directives or ()):
                assumed = _argument(definition, _LIST_SIZE, "assumedSize")
                slicing = _argument(definition, _LIST_SIZE, "slicingArguments") or []
                self.sizes[coordinate] = (assumed if isinstance(assumed, int) else None,
                                          tuple(slicing))

    def check(self, operation: ClientOperation) -> None:
        """LimitExceeded when the estimate is over ``max_cost`` (0: no limit)."""
        if self.max_cost <= 0:
            return
        cost = estimate_cost(operation, self)
        if cost > self.max_cost:
            raise LimitExceeded(
                f"Operation's estimated cost {cost} is over the maximum {self.max_cost}.",
                "COST_ESTIMATED_TOO_EXPENSIVE",
            )


def estimate_cost(operation: ClientOperation, model: CostModel) -> int:
    """The static cost of ``operation`` under ``model``."""
    return _Estimator(operation, model).root()


class _Estimator:
    def __init__(self, operation: ClientOperation, model: CostModel) -> None:
        self.operation = operation
        self.model = model
        self._fragments: dict[tuple[str, str], int] = {}

    def root(self) -> int:
        op = self.operation
        cost = self.selections(op.root_type.name, op.operation.selection_set)
        if op.kind == "mutation":
            fields = [s for s in op.operation.selection_set.selections if isinstance(s, FieldNode)]
            cost += self.model.mutation_weight * len(fields)
        return cost

    def selections(self, type_name: str, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(type_name, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = condition.name.value if condition else type_name
                total += self.selections(inner, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> int:
        fragment = self.operation.fragments.get(name)
        if fragment is None:
            return 0
        key = (name, fragment.type_condition.name.value)
        if key not in self._fragments:
            self._fragments[key] = 0  # a cycle (invalid anyway) counts as nothing
            self._fragments[key] = self.selections(key[1], fragment.selection_set)
        return self._fragments[key]

    def field(self, type_name: str, node: FieldNode) -> int:
        name = node.name.value
        parent = self.operation.schema.get_type(type_name)
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None:  # __typename and introspection
            return 0
        named = get_named_type(definition.type)
        coordinate = f"{type_name}.{name}"
        weights = self.model.weights
        default = self.model.scalar_weight if is_leaf_type(named) else self.model.object_weight
        own = weights.get(coordinate, weights.get(named.name, default))
        inner = self.selections(named.name, node.selection_set)
        # Each item of a list costs its type's weight plus its selections (IBM cost spec §3).
        return self._multiplier(coordinate, definition.type, node) * (own + inner)

    def _multiplier(self, coordinate: str, type_: Any, node: FieldNode) -> int:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if not isinstance(type_, GraphQLList):
            return 1
        assumed, slicing = self.model.sizes.get(coordinate, (None, ()))
        for argument in node.arguments or ():
            if argument.name.value in slicing and isinstance(argument.value, IntValueNode):
                return int(argument.value.value)
        return assumed if assumed is not None else self.model.list_size


def _argument(node: Any, names: tuple[str, ...], argument: str) -> Any:
    for directive in node.directives or ():
        if directive.name.value not in names:
            continue
        for arg in directive.arguments or ():
            if arg.name.value == argument:
                return _literal(arg.value)
    return None


def _literal(value: Any) -> Any:
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, StringValueNode):
        return value.value
    if isinstance(value, ListValueNode):
        return [_literal(v) for v in value.values]
    return None


