"""Executable directive definitions (`on QUERY | FIELD ...`) carried into the supergraph.

A client may send them, so the supergraph keeps those every subgraph can accept: defined by
every subgraph, on the executable locations all share, with the arguments all define.
"""

from __future__ import annotations

from graphql import DirectiveDefinitionNode, print_ast

from .model import Subgraph
from .typing_rules import merge_input_types

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
    """Kept only when every subgraph defines it, on the locations all share, repeatable only
    if repeatable everywhere, with the arguments all define (merged as input positions)."""
    if len(nodes) < total:
        return None
    shared = set.intersection(*(_locations(n) for n in nodes))
    locations = [loc for loc in _EXECUTABLE if loc in shared]
    arguments = _arguments(nodes)
    if not locations or arguments is None:
        return None
    repeatable = " repeatable" if all(n.repeatable for n in nodes) else ""
    args = f"({', '.join(arguments)})" if arguments else ""
    return f"directive @{nodes[0].name.value}{args}{repeatable} on {' | '.join(locations)}"


def _arguments(nodes: list[DirectiveDefinitionNode]) -> list[str] | None:
    """Arguments every definition has, each typed as the most restrictive of its types, with
    a default only when all give the same; None when types conflict."""
    by_name: dict[str, list] = {}
    for node in nodes:
        for arg in node.arguments or ():
            by_name.setdefault(arg.name.value, []).append(arg)
    printed = []
    for name, args in by_name.items():
        if len(args) < len(nodes):
            continue
        merged = merge_input_types([print_ast(a.type) for a in args])
        if merged is None:
            return None
        defaults = {print_ast(a.default_value) if a.default_value else None for a in args}
        default = next(iter(defaults)) if len(defaults) == 1 else None
        printed.append(f"{name}: {merged}" + (f" = {default}" if default else ""))
    return printed
