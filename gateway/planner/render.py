"""Turn a fetch group into a FetchNode: compact, deterministic operation text and inputs."""

from __future__ import annotations

import re

from graphql import VariableDefinitionNode, print_ast

from gateway.plan import FetchNode, Representation
from gateway.planner.groups import Group

__all__ = ["render_fetch"]

_REPRESENTATIONS = "$representations: [_Any!]!"


def render_fetch(
    group: Group, operation_name: str | None, variables: dict[str, VariableDefinitionNode]
) -> FetchNode:
    """Print the group's document; entity fetches select `_entities(representations:)`."""
    used = tuple(name for name in variables if name in group.variables)
    declared = [print_ast(variables[name]) for name in used]
    name = _name(operation_name, group)
    body = group.selection.text()
    if group.is_entity:
        declared.insert(0, _REPRESENTATIONS)
        body = "{ _entities(representations: $representations) " + body + " }"
    head = group.kind + (f" {name}" if name else "")
    if declared:
        head += "(" + ", ".join(declared) + ")"
    text = body if head == "query" else f"{head} {body}"
    return FetchNode(
        subgraph=group.graph,
        operation=text,
        operation_kind=group.kind,  # type: ignore[arg-type]
        variable_usages=used,
        representations=_representations(group) if group.is_entity else None,
        operation_name=name,
        id=group.id,
    )


def _name(operation_name: str | None, group: Group) -> str | None:
    """Apollo-style `Op__subgraph__id` names make subgraph logs traceable to the client op."""
    if not operation_name:
        return None
    return f"{operation_name}__{re.sub(r'[^_0-9A-Za-z]', '_', group.graph)}__{group.id}"


def _representations(group: Group) -> tuple[Representation, ...]:
    return tuple(
        Representation(rep.type_name, tuple(rep.fields.values()), rep.match_types)
        for rep in group.reps.values()
    )
