"""`@requires` and `@provides` field sets of one subgraph (Federation v2 subgraph validation).

Which fields of a nested selection must be `@external` (Federation v2 rule): a leaf field must
be, unless a field above it in the selection already is (`author @external { years }` needs
nothing more; `author { years @external }` with a local `author` is also right). A field with a
selection below it is never required to be external itself. Above a field of an interface, an
implementation's `@external` copy counts as external.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from .diagnostics import Diagnostic, error
from .fieldsets import FieldSetError, field_paths, parse_field_set
from .metadata import Metadata
from .model import Field, Subgraph, TypeDef
from .typing_rules import named_type

__all__ = ["check_field_sets"]


def check_field_sets(subgraph: Subgraph, meta: Metadata) -> Iterator[Diagnostic]:
    """Every `@requires` (on its parent type) and `@provides` (on the field's type)."""
    for typedef in subgraph.types.values():
        for field in typedef.fields.values():
            requires = field.string("requires")
            if requires is not None:
                yield from _check(_Use(subgraph, meta, typedef, field, "requires"), requires)
            provides = field.string("provides")
            if provides is not None:
                yield from _check(_Use(subgraph, meta, typedef, field, "provides"), provides)


class _Use:
    """One application: where it is, and how to report a problem with it."""

    def __init__(self, subgraph: Subgraph, meta: Metadata, typedef: TypeDef, field: Field,
                 directive: str) -> None:
        self.subgraph, self.meta, self.typedef, self.field = subgraph, meta, typedef, field
        self.directive = directive

    def error(self, rule: str, problem: str, hint: str) -> Diagnostic:
        fields = self.field.string(self.directive)
        return error(f"{self.directive.upper()}_{rule}",
                     f'@{self.directive}(fields: "{fields}"): {problem}',
                     subgraph=self.subgraph.name,
                     coordinate=f"{self.typedef.name}.{self.field.name}", hint=hint)


def _check(use: _Use, fields: str) -> Iterator[Diagnostic]:
    if use.typedef.kind == "interface":
        yield use.error("UNSUPPORTED_ON_INTERFACE", "is not supported on interface fields",
                        "move it to the implementations' fields")
        return
    target = use.typedef.name
    if use.directive == "provides":
        target = named_type(use.field.type)
        if use.meta.is_external(use.typedef.name, use.field.name):
            yield error("EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE",
                        "a field cannot be both @provides and @external",
                        subgraph=use.subgraph.name,
                        coordinate=f"{use.typedef.name}.{use.field.name}",
                        hint="drop @external, or drop @provides")
            return
        kind = getattr(use.subgraph.types.get(target), "kind", "scalar")
        if kind not in ("object", "interface", "union"):
            yield error("PROVIDES_ON_NON_OBJECT_FIELD", f"the field's type {target} has no fields "
                        "to provide", subgraph=use.subgraph.name,
                        coordinate=f"{use.typedef.name}.{use.field.name}",
                        hint="@provides only on fields of object, interface or union type")
            return
    try:
        list(field_paths(use.subgraph, target, fields))
    except FieldSetError as exc:
        yield use.error("INVALID_FIELDS", f"is invalid: {exc}",
                        "name only fields of the type, declared in this subgraph")
        return
    yield from _selections(use, target, parse_field_set(fields), False)


def _selections(use: _Use, type_name: str, selection_set: SelectionSetNode,
                external_above: bool) -> Iterator[Diagnostic]:
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = condition.name.value if condition else type_name
            yield from _selections(use, inner, selection.selection_set, external_above)
        elif isinstance(selection, FieldNode) and selection.name.value != "__typename":
            yield from _field(use, type_name, selection, external_above)


def _field(use: _Use, type_name: str, node: FieldNode,
           external_above: bool) -> Iterator[Diagnostic]:
    name = node.name.value
    declared = use.subgraph.types[type_name].fields[name]
    external = use.meta.is_external(type_name, name)
    if declared.args and use.directive == "provides":
        yield use.error("FIELDS_HAS_ARGS", f"{type_name}.{name} takes arguments",
                        "provide only fields without arguments")
    if node.selection_set is None and not external and not external_above:
        fake = (type_name, name) in use.meta.fake_external
        why = ("is a key field of a type extension, which this subgraph resolves itself" if fake
               else "is resolved by this subgraph itself (it is not @external)")
        yield use.error("FIELDS_MISSING_EXTERNAL", f"{type_name}.{name} {why}",
                        f"mark {type_name}.{name} @external here, or drop it from "
                        f"@{use.directive}")
    if node.selection_set is not None:
        below = external_above or external or _external_in_implementation(use, type_name, name)
        yield from _selections(use, named_type(declared.type), node.selection_set, below)


def _external_in_implementation(use: _Use, type_name: str, name: str) -> bool:
    if use.subgraph.types[type_name].kind != "interface":
        return False
    return any(use.meta.is_external(t.name, name) for t in use.subgraph.types.values()
               if type_name in t.interfaces and name in t.fields)
