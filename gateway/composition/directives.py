"""Executable directive definitions (`on QUERY | FIELD ...`) carried into the supergraph.

A client may send them, so the supergraph keeps those every subgraph can accept: the same
arguments with the same types everywhere, on the executable locations all definers share.
"""

from __future__ import annotations

from graphql import DirectiveDefinitionNode, print_ast

from .model import Subgraph

__all__ = ["executable_directives"]

_EXECUTABLE = ("QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION",
               "FRAGMENT_SPREAD", "INLINE_FRAGMENT", "VARIABLE_DEFINITION")


def executable_directives(subgraphs: dict[str, Subgraph], composed: set[str]) -> list[str]:
    """Printed definitions, in first-seen order; composed directives are printed elsewhere."""
    by_name: dict[str, list[DirectiveDefinitionNode]] = {}
    for graph in subgraphs.values():
        for name, node in graph.directive_defs.items():
            if name not in composed and _locations(node) & set(_EXECUTABLE):
                by_name.setdefault(name, []).append(node)
    printed = [_merged(nodes, len(subgraphs)) for nodes in by_name.values()]
    return [p for p in printed if p is not None]


def _locations(node: DirectiveDefinitionNode) -> set[str]:
    return {location.value for location in node.locations}


def _merged(nodes: list[DirectiveDefinitionNode], total: int) -> str | None:
    shared = set.intersection(*(_locations(n) for n in nodes))
    locations = [loc for loc in _EXECUTABLE if loc in shared]
    arguments = _arguments(nodes, total)
    if not locations or arguments is None:
        return None
    repeatable = " repeatable" if any(n.repeatable for n in nodes) else ""
    args = f"({', '.join(arguments)})" if arguments else ""
    return f"directive @{nodes[0].name.value}{args}{repeatable} on {' | '.join(locations)}"


def _arguments(nodes: list[DirectiveDefinitionNode], total: int) -> list[str] | None:
    """Each argument must be defined, with one type, by every subgraph; else None."""
    printed: dict[str, set[str]] = {}
    defaults: dict[str, str] = {}
    for node in nodes:
        for arg in node.arguments or ():
            printed.setdefault(arg.name.value, set()).add(print_ast(arg.type))
            if arg.default_value is not None:
                defaults[arg.name.value] = print_ast(arg.default_value)
    counts = {name: sum(1 for n in nodes for a in n.arguments or () if a.name.value == name)
              for name in printed}
    if any(len(types) > 1 or counts[name] != total for name, types in printed.items()):
        return None
    return [f"{name}: {types.pop()}" + (f" = {defaults[name]}" if name in defaults else "")
            for name, types in printed.items()]
