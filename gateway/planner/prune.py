"""Drop the type conditions a subgraph cannot match where they stand in a fetch's selection.

GraphQL spec §5.5.1.2 (fragment spread type existence) and §5.5.2.3 (fragment spread is
possible): a subgraph rejects `... on Song` inside a field it types `Book`, and a condition on a
type it does not know at all. Such a fragment selects nothing there, so removing it loses no
data. The walker plans with the supergraph's types; a subgraph may type a field more narrowly
(`@join__field(type:)`) or know fewer members of a union or implementations of an interface.
"""

from __future__ import annotations

from gateway.planner.selection import OutField, OutFragment, OutSelection
from gateway.supergraph.subgraph_schema import SubgraphSchema

__all__ = ["prune_selection"]


def prune_selection(
    schema: SubgraphSchema, selection: OutSelection, parent: str | None
) -> OutSelection:
    """A copy of `selection` (on `parent`; None: the `_entities` level) without impossible
    fragments; a composite field left with nothing selects `__typename`."""
    out = OutSelection()
    for key, item in selection.items.items():
        if isinstance(item, OutField):
            out.items[key] = _field(schema, item, parent)
            continue
        condition = item.type_condition
        if condition is not None and not _possible(schema, condition, parent):
            continue
        inner = prune_selection(schema, item.selection, condition or parent)
        if not inner.is_empty():
            out.items[key] = OutFragment(condition, item.directives, inner)
    return out


def _field(schema: SubgraphSchema, item: OutField, parent: str | None) -> OutField:
    inner = None
    if item.selection is not None:
        inner = prune_selection(schema, item.selection, schema.child_type(parent, item.name))
        if inner.is_empty():
            inner.add_field("__typename", None, "", "", False)
    return OutField(item.name, item.alias, item.arguments, item.directives, inner)


def _possible(schema: SubgraphSchema, condition: str, parent: str | None) -> bool:
    if not schema.knows(condition):
        return False
    if parent is None or not schema.knows(parent):
        return True  # the `_entities` level, or a place the graph cannot describe: keep
    return schema.can_spread(condition, parent)

