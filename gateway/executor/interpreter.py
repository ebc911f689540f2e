"""Run a plan's nodes: Sequence, Parallel, Fetch, Flatten and Condition."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.executor.entities import Batch, build_batch, objects_at
from gateway.executor.errors import entity_errors, fetch_failed, root_errors
from gateway.executor.merge import deep_merge
from gateway.executor.renames import restore_keys
from gateway.executor.state import Execution
from gateway.fetch import SubgraphFetchError
from gateway.plan import (
    ConditionNode,
    EntityBatchNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    SequenceNode,
)

__all__ = ["run_node"]


async def run_node(node: PlanNode, ex: Execution) -> None:
    """Run one node; subgraph failures become errors in ``ex``, never exceptions."""
    if isinstance(node, SequenceNode):
        for child in node.nodes:
            await run_node(child, ex)
    elif isinstance(node, ParallelNode) and node.nodes:
        # A TaskGroup cancels the siblings if one fails unexpectedly (a bug, never a subgraph).
        # The last child runs in this task: one task fewer per Parallel, on every request.
        *others, last = node.nodes
        async with asyncio.TaskGroup() as group:
            for child in others:
                group.create_task(run_node(child, ex))
            await run_node(last, ex)
    elif isinstance(node, FetchNode):
        await _run_root_fetch(node, ex)
    elif isinstance(node, FlattenNode):
        await _run_flatten(node, ex)
    elif isinstance(node, EntityBatchNode):
        await _run_entity_batch(node, ex)
    elif isinstance(node, ParallelNode):
        return  # nothing to run
    elif isinstance(node, ConditionNode):
        branch = node.if_clause if ex.variables.get(node.condition) is True else node.else_clause
        if branch is not None:
            await run_node(branch, ex)
    else:
        raise TypeError(f"unknown plan node {node!r}")


def _request(node: FetchNode, ex: Execution, representations: list | None) -> dict[str, Any]:
    # Only the variables the fetch's document declares (a subgraph rejects unknown ones).
    variables = {n: ex.variables[n] for n in node.variable_usages if n in ex.variables}
    if representations is not None:
        variables["representations"] = representations
    request: dict[str, Any] = {"query": node.operation, "variables": variables}
    if node.operation_name:
        request["operationName"] = node.operation_name
    return request


async def _send(node: FetchNode, ex: Execution, request: dict[str, Any]) -> dict[str, Any]:
    ex.fetches += 1
    headers = ex.headers_for(node.subgraph)
    dedupe = node.operation_kind == "query"
    response = await ex.fetcher.fetch(node.subgraph, request, headers, dedupe)
    ex.note_stale(response)
    return response


async def _run_root_fetch(node: FetchNode, ex: Execution) -> None:
    try:
        response = await _send(node, ex, _request(node, ex, None))
    except SubgraphFetchError as error:
        ex.errors.append(fetch_failed(error))
        ex.mark_failed([ex.data])
        return
    data = response.get("data")
    if isinstance(data, dict):
        if node.renames:
            restore_keys(data, node.renames)
        deep_merge(ex.data, data)
    else:
        ex.mark_failed([ex.data])
    ex.errors.extend(root_errors(response.get("errors"), node.subgraph, node.renames))


async def _run_flatten(node: FlattenNode, ex: Execution) -> None:
    fetch = node.node
    batch = _batch_of(node, ex)
    if not batch.representations:
        return
    try:
        response = await _send(fetch, ex, _request(fetch, ex, batch.representations))
    except SubgraphFetchError as error:
        _fetch_failed(error, ex, [(node, batch)])
        return
    data = response.get("data")
    entities = data.get("_entities") if isinstance(data, dict) else None
    _merge_entities(entities, response.get("errors"), fetch, batch, ex, node.paths)


def _batch_of(node: FlattenNode, ex: Execution) -> Batch:
    objects = objects_at(ex.data, node.path)
    for path in node.also:  # sibling fetches merged into this one: their objects join
        objects += objects_at(ex.data, path)
    return build_batch(objects, node.node.representations or ())


async def _run_entity_batch(node: EntityBatchNode, ex: Execution) -> None:
    """Each part's batch as its own ``$r{i}``, one request, each part's answer at ``_e{i}``."""
    batches = [_batch_of(part, ex) for part in node.parts]
    if not any(batch.representations for batch in batches):
        return
    variables = {n: ex.variables[n] for n in node.variable_usages if n in ex.variables}
    for index, batch in enumerate(batches):
        variables[f"r{index}"] = batch.representations
    request: dict[str, Any] = {"query": node.operation, "variables": variables}
    if node.operation_name:
        request["operationName"] = node.operation_name
    try:
        ex.fetches += 1
        response = await ex.fetcher.fetch(node.subgraph, request,
                                          ex.headers_for(node.subgraph), True)
        ex.note_stale(response)
    except SubgraphFetchError as error:
        _fetch_failed(error, ex, list(zip(node.parts, batches, strict=True)))
        return
    data = response.get("data")
    errors = response.get("errors")
    by_part = _errors_by_part(errors, len(batches))
    for index, (part, batch) in enumerate(zip(node.parts, batches, strict=True)):
        entities = data.get(f"_e{index}") if isinstance(data, dict) else None
        part_errors = by_part.get(index)
        if not batch.representations:
            continue
        if entities is None and not part_errors and errors:
            # the request failed as a whole (data null): its errors were reported with part 0
            ex.mark_failed(batch.objects)
            continue
        _merge_entities(entities, part_errors, part.node, batch, ex, part.paths)


def _errors_by_part(errors: Any, parts: int) -> dict[int, list[Any]]:
    """Errors at ``_e{i}`` become part i's, at ``_entities``; the rest go with part 0."""
    out: dict[int, list[Any]] = {}
    for error in errors if isinstance(errors, list) else [errors] if errors else []:
        path = error.get("path") if isinstance(error, dict) else None
        head = path[0] if isinstance(path, list) and path else None
        if isinstance(head, str) and head.startswith("_e") and head[2:].isdigit() \
                and int(head[2:]) < parts:
            out.setdefault(int(head[2:]), []).append({**error, "path": ["_entities", *path[1:]]})
        else:
            out.setdefault(0, []).append(error)
    return out


def _fetch_failed(error: SubgraphFetchError, ex: Execution,
                  parts: list[tuple[FlattenNode, Batch]]) -> None:
    """One error for a request that got no GraphQL answer; every object it served fails."""
    paths = [at for node, batch in parts for ats in batch.paths(ex.data, node.paths) for at in ats]
    ex.errors.append(fetch_failed(error, list(paths[0]) if len(paths) == 1 else None))
    for _, batch in parts:
        ex.mark_failed(batch.objects)


def _merge_entities(
    entities: Any, errors: Any, fetch: FetchNode, batch: Batch, ex: Execution,
    paths: tuple[tuple[str, ...], ...],
) -> None:
    subgraph = fetch.subgraph
    if errors:
        where = batch.paths(ex.data, paths)
        ex.errors.extend(entity_errors(errors, subgraph, where, fetch.renames))
    if not isinstance(entities, list) or len(entities) != len(batch.representations):
        if not errors:
            count = len(entities) if isinstance(entities, list) else 0
            message = (f"subgraph '{subgraph}' returned {count} entities for "
                       f"{len(batch.representations)} representations")
            ex.errors.append(fetch_failed(SubgraphFetchError(subgraph, message,
                                                             "SUBGRAPH_INVALID_RESPONSE")))
        ex.mark_failed(batch.objects)
        return
    for entity, objects in zip(entities, batch.sources, strict=True):
        if type(entity) is dict:
            if fetch.renames:
                restore_keys(entity, fetch.renames)
            for obj in objects:
                deep_merge(obj, entity)
