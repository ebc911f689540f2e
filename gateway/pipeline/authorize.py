"""Per-request authorization: ``@authenticated``, ``@requiresScopes`` and ``@policy``.

Apollo Router's semantics (docs "Authorization in the GraphOS Router"): the fields the caller may
not see are removed from the operation before planning and each is reported as an error
UNAUTHORIZED_FIELD_OR_TYPE with its path; the rest of the operation is served. A removed
non-null field is null in the response, so null propagation nulls its nearest nullable parent.

A field is guarded by its own directives and by those of the type it returns. Scopes and
policies are an OR of ANDs: ``[["a", "b"], ["c"]]`` is (a and b) or c.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    SelectionSetNode,
    Visitor,
    get_named_type,
    visit,
)
from graphql.language.visitor import REMOVE

from gateway.executor import ClientOperation
from gateway.pipeline.lru import LRU
from gateway.supergraph import Access, Supergraph

__all__ = ["Authorizer", "Decision", "Guard", "allowed", "scopes_of"]

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
Policy = Callable[[str, dict[str, Any] | None], bool]
Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Guard:
    """A guarded field of the operation: its coordinate, requirements and response paths."""

    coordinate: str
    access: Access
    paths: tuple[Path, ...]
    nodes: frozenset[int]  # ids of the FieldNodes selecting it


@dataclass(frozen=True, slots=True)
class Decision:
    """What one request may not see: errors to add, null-errors to drop from the response."""

    denied: tuple[Guard, ...] = ()

    def apply(self, response: dict[str, Any]) -> dict[str, Any]:
        """Report each denied path once; drop the shaper's nulls those removals explain."""
        if not self.denied:
            return response
        paths = {path for guard in self.denied for path in guard.paths}
        kept = self.kept(response.get("errors", []))
        mine = [_error(path) for path in sorted(paths)]
        return {**response, "errors": mine + kept}

    def kept(self, errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``errors`` without the shaper's nulls that a denied field explains (for the
        payloads after the first of an incremental response, whose errors ``apply`` reported)."""
        paths = {path for guard in self.denied for path in guard.paths}
        return [e for e in errors if not _explained_null(e, paths)]


def scopes_of(claims: dict[str, Any] | None) -> frozenset[str]:
    """Scopes from the OAuth ``scope`` claim (space-separated) or a ``scopes`` list."""
    if not claims:
        return frozenset()
    scope = claims.get("scope", claims.get("scopes", ""))
    if isinstance(scope, str):
        return frozenset(scope.split())
    if isinstance(scope, list):
        return frozenset(s for s in scope if isinstance(s, str))
    return frozenset()


def allowed(access: Access, claims: dict[str, Any] | None, policy: Policy) -> bool:
    """Whether a caller with ``claims`` (None: anonymous) meets ``access``."""
    if (access.authenticated or access.scopes or access.policies) and claims is None:
        return False
    scopes = scopes_of(claims)
    if access.scopes and not any(scopes.issuperset(group) for group in access.scopes):
        return False
    return not access.policies or any(
        all(policy(name, claims) for name in group) for group in access.policies
    )


class Authorizer:
    """Find an operation's guards once (cached), then decide and filter per request."""

    def __init__(self, supergraph: Supergraph, cache_size: int = 512) -> None:
        self.supergraph = supergraph
        # Values keep their operation: guards hold node ids, valid only with that very object.
        self._guards: LRU[Hashable, tuple[ClientOperation, tuple[Guard, ...]]] = LRU(cache_size)
        self._plans: LRU[Hashable, tuple[ClientOperation, Any]] = LRU(cache_size)
        self.enabled = _has_guards(supergraph)

    def decide(self, operation: ClientOperation, claims: dict[str, Any] | None,
               policy: Policy) -> Decision:
        """The guards of ``operation`` this caller does not pass."""
        if not self.enabled:
            return Decision()
        _, guards = self._guards.get_or_make(id(operation), lambda: self._found(operation))
        if _ is not operation:
            guards = self._found(operation)[1]
        return Decision(tuple(g for g in guards if not allowed(g.access, claims, policy)))

    def filtered_plan(self, operation: ClientOperation, decision: Decision, extra: Any,
                      planner: Callable[[DocumentNode], Any]) -> Any:
        """The plan of the operation without the denied fields (cached per denied set)."""
        denied = frozenset(g.coordinate for g in decision.denied)
        nodes = frozenset().union(*(g.nodes for g in decision.denied))

        def make() -> tuple[ClientOperation, Any]:
            return operation, planner(remove_fields(operation.document, nodes))

        cached, plan = self._plans.get_or_make((id(operation), extra, denied), make)
        return plan if cached is operation else make()[1]

    def _found(self, operation: ClientOperation) -> tuple[ClientOperation, tuple[Guard, ...]]:
        return operation, tuple(self._find(operation))

    def _find(self, operation: ClientOperation) -> Iterator[Guard]:
        found: dict[str, tuple[Access, list[Path], set[int]]] = {}
        root = operation.root_type.name
        self._walk(operation, root, operation.operation.selection_set, (), found)
        for coordinate, (access, paths, nodes) in found.items():
            yield Guard(coordinate, access, tuple(dict.fromkeys(paths)), frozenset(nodes))

    def _walk(self, operation: ClientOperation, type_name: str, selection_set: SelectionSetNode,
              path: Path, found: dict) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self._field(operation, type_name, selection, path, found)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = condition.name.value if condition else type_name
                self._walk(operation, inner, selection.selection_set, path, found)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = operation.fragments.get(selection.name.value)
                if fragment is not None:
                    inner = fragment.type_condition.name.value
                    self._walk(operation, inner, fragment.selection_set, path, found)

    def _field(self, operation: ClientOperation, type_name: str, node: FieldNode, path: Path,
               found: dict) -> None:
        name = node.name.value
        if name.startswith("__"):
            return
        key = (*path, (node.alias or node.name).value)
        access, returns = self._access(operation.schema, type_name, name)
        if access is not None:
            entry = found.setdefault(f"{type_name}.{name}", (access, [], set()))
            entry[1].append(key)
            entry[2].add(id(node))
        if node.selection_set is not None and returns is not None:
            self._walk(operation, returns, node.selection_set, key, found)

    def _access(self, schema: GraphQLSchema, type_name: str, name: str
                ) -> tuple[Access | None, str | None]:
        parent = schema.get_type(type_name)
        definition = getattr(parent, "fields", {}).get(name)
        returns = get_named_type(definition.type).name if definition is not None else None
        info = self.supergraph.types.get(type_name)
        field = info.fields.get(name) if info is not None else None
        target = self.supergraph.types.get(returns) if returns else None
        accesses = [a for a in (field and field.access, target and target.access) if _guards(a)]
        if not accesses:
            return None, returns
        return _merge(accesses), returns


def remove_fields(document: DocumentNode, nodes: frozenset[int]) -> DocumentNode:
    """``document`` without the given FieldNodes; an emptied selection keeps ``__typename``.

    The result has no source location: the planner caches by source text when there is one,
    and the filtered document must never share the unfiltered one's cached plan.
    """
    filtered = visit(document, _Remover(nodes))
    return DocumentNode(definitions=filtered.definitions)


class _Remover(Visitor):
    def __init__(self, nodes: frozenset[int]) -> None:
        super().__init__()
        self.nodes = nodes

    def enter_field(self, node: FieldNode, *_: Any) -> Any:
        return REMOVE if id(node) in self.nodes else None

    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> Any:
        if node.selections:
            return None
        return replace_selections(node)


def replace_selections(node: SelectionSetNode) -> SelectionSetNode:
    typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
    return SelectionSetNode(selections=(typename,))


def _guards(access: Access | None) -> bool:
    return access is not None and bool(access.authenticated or access.scopes or access.policies)


def _merge(accesses: list[Access]) -> Access:
    """Both the field's and its type's requirements must hold (AND of the two)."""
    if len(accesses) == 1:
        return accesses[0]
    first, second = accesses
    scopes = _and(first.scopes, second.scopes)
    policies = _and(first.policies, second.policies)
    return replace(first, authenticated=first.authenticated or second.authenticated,
                   scopes=scopes, policies=policies)


def _and(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]
         ) -> tuple[tuple[str, ...], ...]:
    if not a or not b:
        return a or b
    return tuple(tuple(dict.fromkeys((*x, *y))) for x in a for y in b)


def _has_guards(supergraph: Supergraph) -> bool:
    return any(
        _guards(info.access) or any(_guards(f.access) for f in info.fields.values())
        for info in supergraph.types.values()
    )


def _explained_null(error: dict[str, Any], paths: set[Path]) -> bool:
    path = error.get("path")
    if not isinstance(path, list) or not error.get("message", "").startswith("Cannot return null"):
        return False
    return tuple(p for p in path if isinstance(p, str)) in paths


def _error(path: Path) -> dict[str, Any]:
    return {"message": "Unauthorized field or type", "path": list(path),
            "extensions": {"code": UNAUTHORIZED}}
