"""What our gateway takes from a supergraph: the API schema and the planning model, as data.

Two supergraphs with equal views are served alike by our gateway (it plans and executes from
the loaded model and validates against the API schema only), whatever their printed text.
"""

from __future__ import annotations

from graphql import lexicographic_sort_schema, print_ast, print_schema

from gateway.supergraph import FieldInfo, TypeInfo, load_supergraph

__all__ = ["gateway_view"]


def gateway_view(sdl: str) -> dict:
    """The loaded supergraph as comparable plain data."""
    supergraph = load_supergraph(sdl)
    return {"api": print_schema(lexicographic_sort_schema(supergraph.api_schema)),
            "subgraphs": supergraph.subgraphs, "roots": supergraph.root_types,
            "types": {n: _type(t) for n, t in supergraph.types.items()}}


def _printed(node) -> str:
    return "" if node is None else print_ast(node)


def _type(info: TypeInfo) -> tuple:
    keys = sorted((k.graph, _printed(k.selection), k.resolvable) for k in info.keys)
    return (info.kind, sorted(info.graphs), keys, sorted(info.interface_object_graphs),
            sorted(info.interfaces), {g: sorted(v) for g, v in info.implements.items()},
            sorted(info.members), {g: sorted(v) for g, v in info.union_members.items()},
            info.inaccessible, info.access, {n: _field(f) for n, f in info.fields.items()})


def _field(info: FieldInfo) -> tuple:
    joins = sorted((j.graph or "", _printed(j.requires), _printed(j.provides), j.external,
                    j.override or "", j.override_label or "", j.used_overridden, j.type or "")
                   for j in info.joins)
    return info.type_name, info.list_depth, joins, info.inaccessible, info.access
