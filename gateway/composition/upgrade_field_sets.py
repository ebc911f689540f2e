"""Federation 1 `@requires`/`@provides` lose the fields that are not external.

In Federation 1 naming a field the subgraph resolves itself in `@requires` or `@provides` did
nothing; Federation 2 rejects it, so the upgrade of a Federation 1 subgraph drops those leaf
fields (and the directive, when nothing is left).
"""

from __future__ import annotations

from dataclasses import replace

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode, StringValueNode, print_ast

from .fieldsets import FieldSetError, field_paths, parse_field_set
from .model import Field, Subgraph
from .typing_rules import named_type

__all__ = ["drop_inactive_selections"]


def drop_inactive_selections(subgraph: Subgraph) -> None:
    """Rewrite each `@requires` (on the parent type) and `@provides` (on the field's type)."""
    for typedef in subgraph.types.values():
        for field in typedef.fields.values():
            _rewrite(subgraph, field, "requires", typedef.name)
            _rewrite(subgraph, field, "provides", named_type(field.type))


def _rewrite(subgraph: Subgraph, field: Field, directive: str, target: str) -> None:
    fields = field.string(directive)
    if fields is None:
        return
    try:
        list(field_paths(subgraph, target, fields))
        kept = _keep(subgraph, target, parse_field_set(fields))
    except FieldSetError:
        return  # an invalid field set is reported by the subgraph rules
    if kept is None:
        del field.fed[directive]
        return
    printed = print_ast(kept).strip()[1:-1].strip()
    if printed != fields.strip():
        field.fed[directive] = [{"fields": StringValueNode(value=" ".join(printed.split()))}]


def _keep(subgraph: Subgraph, type_name: str,
          selection_set: SelectionSetNode) -> SelectionSetNode | None:
    """The selection without leaves this subgraph resolves itself; None when nothing is left."""
    kept = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and _external(subgraph, type_name,
                                                          selection.name.value):
            kept.append(selection)
            continue
        if selection.selection_set is None:
            continue
        inner_type = type_name
        if isinstance(selection, InlineFragmentNode):
            if selection.type_condition:
                inner_type = selection.type_condition.name.value
        else:
            inner_type = named_type(subgraph.types[type_name].fields[selection.name.value].type)
        inner = _keep(subgraph, inner_type, selection.selection_set)
        if inner is not None:
            kept.append(replace(selection, selection_set=inner))
    return replace(selection_set, selections=tuple(kept)) if kept else None


def _external(subgraph: Subgraph, type_name: str, name: str) -> bool:
    """`@external` here, or on an implementation of this interface field."""
    typedef = subgraph.types[type_name]
    if name == "__typename" or name not in typedef.fields:
        return False
    if typedef.fields[name].has("external"):
        return True
    return typedef.kind == "interface" and any(
        t.fields[name].has("external") for t in subgraph.types.values()
        if type_name in t.interfaces and name in t.fields)
