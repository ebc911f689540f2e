"""`@requires` field sets must still hold in the merged supergraph.

A `@requires` is written against one subgraph, but the gateway fetches the required fields
from whichever subgraphs resolve them, so its arguments must be arguments of the merged field;
arguments only some subgraphs define are dropped by the merge (Federation v2 composition:
REQUIRES_INVALID_FIELDS, "cannot provide a value for argument").
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from .diagnostics import Diagnostic, error
from .fieldsets import FieldSetError, parse_field_set
from .supergraph_model import Merged
from .typing_rules import named_type

__all__ = ["check_merged_requires"]


def check_merged_requires(merged: Merged) -> Iterator[Diagnostic]:
    """REQUIRES_INVALID_FIELDS for an argument the merged field no longer has."""
    for stype in merged.types.values():
        for sfield in stype.fields.values():
            for graph, f in sfield.by_graph.items():
                fields = f.string("requires")
                if not fields:
                    continue
                try:
                    selection = parse_field_set(fields)
                except FieldSetError:
                    continue
                for owner, name, argument in _missing(merged, stype.name, selection):
                    yield error("REQUIRES_INVALID_FIELDS",
                                f'@requires(fields: "{fields}") passes argument {argument!r} '
                                f"to {owner}.{name}, which not every subgraph resolving it "
                                "defines", subgraph=graph,
                                coordinate=f"{stype.name}.{sfield.name}",
                                hint=f"define {owner}.{name}({argument}:) in every subgraph "
                                     "resolving it, or do not pass it")


def _missing(merged: Merged, type_name: str,
             selection_set: SelectionSetNode) -> Iterator[tuple[str, str, str]]:
    stype = merged.types.get(type_name)
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = condition.name.value if condition else type_name
            yield from _missing(merged, inner, selection.selection_set)
            continue
        if not isinstance(selection, FieldNode) or stype is None:
            continue
        sfield = stype.fields.get(selection.name.value)
        if sfield is None:
            continue
        for argument in selection.arguments or ():
            if argument.name.value not in sfield.args:
                yield type_name, sfield.name, argument.name.value
        if selection.selection_set is not None:
            yield from _missing(merged, named_type(sfield.type), selection.selection_set)
