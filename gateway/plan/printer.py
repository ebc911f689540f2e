"""Print a plan as indented text, the form plan tests compare against."""

from __future__ import annotations

from gateway.plan.nodes import (
    ConditionNode,
    EntityBatchNode,
    FetchNode,
    FlattenNode,
    KeyField,
    KeyFragment,
    ParallelNode,
    PlanNode,
    QueryPlan,
    Rename,
    SequenceNode,
)

__all__ = ["print_plan"]

_INDENT = "  "


def print_plan(plan: QueryPlan) -> str:
    """Return the plan in a stable, human-readable form."""
    if plan.node is None:
        return "QueryPlan {}"
    return "QueryPlan {\n" + _node(plan.node, 1) + "\n}"


def _node(node: PlanNode, depth: int) -> str:
    pad = _INDENT * depth
    if isinstance(node, FetchNode):
        return _fetch(node, depth)
    if isinstance(node, FlattenNode):
        if node.also:
            paths = ", ".join(f'"{".".join(path)}"' for path in node.paths)
            head = f"{pad}Flatten(paths: [{paths}]) {{"
        else:
            head = f'{pad}Flatten(path: "{".".join(node.path)}") {{'
        return f"{head}\n{_fetch(node.node, depth + 1)}\n{pad}}}"
    if isinstance(node, EntityBatchNode):
        return _batch(node, depth)
    if isinstance(node, SequenceNode | ParallelNode):
        name = "Sequence" if isinstance(node, SequenceNode) else "Parallel"
        inner = ",\n".join(_node(child, depth + 1) for child in node.nodes)
        return f"{pad}{name} {{\n{inner}\n{pad}}}"
    if isinstance(node, ConditionNode):
        return _condition(node, depth)
    raise TypeError(f"unknown plan node {node!r}")


def _fetch(node: FetchNode, depth: int) -> str:
    pad = _INDENT * depth
    lines = [f'{pad}Fetch(service: "{node.subgraph}") {{']
    if node.representations is not None:
        for rep in node.representations:
            lines.append(f"{pad}{_INDENT}... on {rep.type_name} {_keys(rep.fields)}")
        lines.append(f"{pad}{_INDENT}=>")
    for line in node.operation.strip().splitlines():
        lines.append(f"{pad}{_INDENT}{line}")
    if node.renames:
        lines.append(f"{pad}{_INDENT}renames {_renames(node.renames)}")
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def _renames(renames: tuple[Rename, ...]) -> str:
    """`{ accounts { __alias_1_id -> id } }`: where aliased answers go back to their keys."""
    parts = []
    for rename in renames:
        head = rename.key if rename.answer_key == rename.key else (
            f"{rename.answer_key} -> {rename.key}")
        parts.append(f"{head} {_renames(rename.nested)}" if rename.nested else head)
    return "{ " + " ".join(parts) + " }"


def _batch(node: EntityBatchNode, depth: int) -> str:
    """The request as sent, then each part (as it would be sent alone) under its alias."""
    pad, inner = _INDENT * depth, _INDENT * (depth + 1)
    lines = [f'{pad}Batch(service: "{node.subgraph}") {{']
    lines += [f"{inner}{line}" for line in node.operation.strip().splitlines()]
    parts = [f"{inner}_e{i}: {_node(part, depth + 1).lstrip()}"
             for i, part in enumerate(node.parts)]
    return "\n".join(lines) + "\n" + ",\n".join(parts) + f"\n{pad}}}"


def _keys(fields: tuple[KeyField | KeyFragment, ...]) -> str:
    parts = []
    for key in fields:
        if isinstance(key, KeyFragment):
            parts.append(f"... on {key.type_condition} {_keys(key.selections)}")
            continue
        alias = f"{key.response_key}: " if key.response_key != key.name else ""
        nested = f" {_keys(key.selections)}" if key.selections else ""
        parts.append(f"{alias}{key.name}{nested}")
    return "{ " + " ".join(parts) + " }"


def _condition(node: ConditionNode, depth: int) -> str:
    pad = _INDENT * depth
    parts = [f"{pad}Include(if: ${node.condition}) {{"]
    if node.if_clause is not None:
        parts.append(_node(node.if_clause, depth + 1))
    parts.append(f"{pad}}} Else {{")
    if node.else_clause is not None:
        parts.append(_node(node.else_clause, depth + 1))
    parts.append(f"{pad}}}")
    return "\n".join(parts)
