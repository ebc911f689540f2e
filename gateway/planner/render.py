"""Turn a fetch group into a FetchNode: compact, deterministic operation text and inputs."""

from __future__ import annotations

import re

from graphql import VariableDefinitionNode, parse, print_ast

from gateway.plan import FetchNode, Representation
from gateway.planner.field_merging import alias_unmergeable_fields
from gateway.planner.groups import Group
from gateway.planner.prune import prune_selection
from gateway.planner.selection import OutSelection, variables_in
from gateway.supergraph import Supergraph
from gateway.supergraph.subgraph_schema import subgraph_schema

__all__ = ["fit_to_subgraph", "render_fetch"]

_REPRESENTATIONS = "$representations: [_Any!]!"


def render_fetch(
    group: Group,
    operation_name: str | None,
    variables: dict[str, VariableDefinitionNode],
    supergraph: Supergraph,
) -> FetchNode:
    """Print the group's document, fitted to the subgraph's own schema (`fit_to_subgraph`);
    entity fetches select `_entities(representations:)`."""
    selection, renames = fit_to_subgraph(group, supergraph)
    body = selection.text()
    used = _used(body, variables)
    declared = [print_ast(variables[name]) for name in used]
    name = _name(operation_name, group)
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
        renames=renames,
    )


def fit_to_subgraph(group: Group, supergraph: Supergraph) -> tuple[OutSelection, tuple]:
    """The group's selection as its subgraph accepts it, and how to rename the answer back:
    impossible type conditions dropped, then unmergeable fields aliased (GraphQL spec §5)."""
    schema = subgraph_schema(supergraph, group.graph)
    parent = None if group.is_entity else supergraph.root_types.get(group.kind)
    selection = prune_selection(schema, group.selection, parent)
    return selection, alias_unmergeable_fields(schema, selection, parent)


def _used(body: str, variables: dict[str, VariableDefinitionNode]) -> tuple[str, ...]:
    """The client variables the document uses, once pruned: exactly those are declared
    (GraphQL spec §5.8.3 all variable uses defined, §5.8.4 all variables used)."""
    if not variables:
        return ()
    present = variables_in((parse("query " + body, no_location=True),))
    return tuple(name for name in variables if name in present)


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
