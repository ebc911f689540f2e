"""Ask the query planner whether a path the satisfiability walk could not complete is plannable.

The path becomes a client query on the composed supergraph (type conditions where a field lives
on an implementation, required arguments as variables); if the gateway's planner plans it, the
field is reachable and composition does not refuse it. Both then answer from one notion of
"reachable" (the planner's search), so they cannot disagree.
"""

from __future__ import annotations

from graphql import GraphQLSchema, get_named_type, is_composite_type, parse, validate

from gateway.planner import PlanningError, plan_operation
from gateway.supergraph import SupergraphError, load_supergraph

from .diagnostics import Diagnostic
from .printer import print_supergraph
from .supergraph_model import Merged

__all__ = ["unplannable"]


def unplannable(merged: Merged, found: list[tuple[Diagnostic, tuple]]) -> list[Diagnostic]:
    """The diagnostics whose path the planner cannot plan either."""
    try:
        supergraph = load_supergraph(print_supergraph(merged))
    except SupergraphError:
        return [diagnostic for diagnostic, _path in found]
    schema = supergraph.api_schema
    kept = []
    for diagnostic, path in found:
        query = _query(schema, path)
        if query is None or not _plans(supergraph, query):
            kept.append(diagnostic)
    return kept


def _plans(supergraph, query: str) -> bool:
    document = parse(query)
    if validate(supergraph.api_schema, document):
        return False
    try:
        plan_operation(supergraph, document)
    except PlanningError:
        return False
    return True


def _query(schema: GraphQLSchema, path: tuple[tuple[str, str], ...]) -> str | None:
    """`query($v0: T, ...) { a { ... on B { b { c } } } }` for the path, or None when a type or
    field on it is not in the API schema (`@inaccessible`)."""
    variables: list[str] = []
    parts: list[tuple[str, str]] = []  # (opening text, closing text) per step
    parent = None
    for type_name, field_name in path:
        owner = schema.get_type(type_name)
        fields = getattr(owner, "fields", None)
        if fields is None or field_name not in fields:
            return None
        field = fields[field_name]
        arguments = []
        for name, argument in field.args.items():
            if argument.type.__class__.__name__ == "GraphQLNonNull":
                arguments.append(f"{name}: $v{len(variables)}")
                variables.append(f"$v{len(variables)}: {argument.type}")
        head = field_name + (f"({', '.join(arguments)})" if arguments else "")
        condition = parent is not None and get_named_type(parent.type) is not owner
        parts.append((f"... on {type_name} {{ {head}" if condition else head,
                      " }" if condition else ""))
        parent = field
    last = get_named_type(parent.type) if parent is not None else None
    body = "{ __typename }" if last is not None and is_composite_type(last) else ""
    for opening, closing in reversed(parts):
        body = f"{{ {opening} {body}{closing} }}"
    header = f"({', '.join(variables)})" if variables else ""
    return f"query{header} {body}"
