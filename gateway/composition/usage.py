"""Which fields each subgraph uses in keys, `@requires` and `@provides`."""

from __future__ import annotations

from collections import defaultdict

from .fieldsets import FieldSetError, field_paths
from .model import Subgraph
from .typing_rules import named_type

__all__ = ["Usage", "field_usage"]

# (graph, type, field) -> {"key", "required", "provided"}
Usage = dict[tuple[str, str, str], set[str]]


def field_usage(subgraphs: dict[str, Subgraph]) -> Usage:
    """Index field-set usage; invalid field sets are reported by the subgraph rules, not here."""
    usage: Usage = defaultdict(set)
    for graph in subgraphs.values():
        for typedef in graph.types.values():
            for key in typedef.keys:
                _mark(usage, graph, typedef.name, key.fields, "key")
            for field in typedef.fields.values():
                requires = field.string("requires")
                if requires:
                    _mark(usage, graph, typedef.name, requires, "required")
                provides = field.string("provides")
                if provides:
                    _mark(usage, graph, named_type(field.type), provides, "provided")
    return usage


def _mark(usage: Usage, graph: Subgraph, type_name: str, fields: str, how: str) -> None:
    try:
        for owner, name in field_paths(graph, type_name, fields):
            usage[(graph.name, owner, name)].add(how)
    except FieldSetError:
        return
