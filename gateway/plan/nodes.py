"""Plan node types: Fetch, Flatten, Sequence, Parallel and Condition (Apollo's query-plan model).

A plan is plain immutable data. The planner (``gateway.planner``) builds it from a normalised
operation; the executor (``gateway.executor``) runs it and never imports the planner.

Data flow contract between planner and executor:

* A root ``FetchNode`` (``representations is None``) sends ``operation`` to ``subgraph``; its
  ``data`` is deep-merged into the response tree at the root.
* A ``FlattenNode(path, fetch)`` walks ``path`` in the response tree built so far (``"@"`` means
  "every element of this list", nested lists need one ``"@"`` per level) and collects the objects
  found there. For each object whose ``__typename`` (or its internal alias) matches one of the
  fetch's ``representations`` it builds a representation ``{"__typename": ..., key: value}`` by
  reading each ``KeyField`` (``response_key`` in the tree, written as ``name`` in the
  representation, recursively for nested selections; a ``KeyFragment``'s fields only for
  objects whose ``__typename`` is one of its ``types``). Objects that are null or lack a
  required value are skipped. Identical representations are sent once. The fetch's
  ``operation`` takes ``$representations: [_Any!]!`` and selects
  ``_entities(representations: $representations)``; the i-th result is deep-merged back into
  every object that produced the i-th representation. A merge never overwrites an existing
  ``__typename`` (an ``@interfaceObject`` subgraph answers with the interface name, the tree
  keeps the concrete type).
* ``variable_usages`` lists the client variables the fetch's document declares; only those are
  sent (plus ``representations``).
* Response keys the planner adds for its own needs (keys, ``@requires`` inputs, ``__typename``)
  may be aliased with the ``__internal_`` prefix; the executor shapes the final response from the
  client's own operation, so nothing the client did not ask for leaks.
* (Addition) An ``@interfaceObject`` subgraph would answer ``__typename`` with the interface's
  name, so the planner asks it for ``__internal_typename: __typename`` instead. That value only
  serves representation matching (it equals a ``Representation.type_name``); the object's real
  ``__typename`` comes from a subgraph that knows the concrete type.
* (Addition) ``Representation.match_types`` lists exactly the concrete types whose objects get
  that representation; objects of other types at the same path are not sent.
* (Addition) A ``FlattenNode`` with ``also`` collects the objects of every one of its paths
  into one batch (representations deduplicated across them) and sends one ``_entities`` call.
* (Addition) An ``EntityBatchNode`` runs its parts like ``FlattenNode``s, but in one request:
  part i's representations are sent as ``$r{i}`` and answered at ``data._e{i}``; an error whose
  path starts with ``_e{i}`` belongs to part i.
* (Addition) ``FetchNode.renames``: where a subgraph could not merge fields under one response
  key (GraphQL spec §5.3.2, e.g. ``id: ID!`` on one member and ``id: ID`` on another there), the
  document answers some under a fresh alias. Before an answer is merged (the root fetch's
  ``data``, each ``_entities`` item), each ``Rename`` moves the value under ``answer_key`` to
  ``key`` (merging with a value already there), after applying its ``nested`` renames to it,
  at any depth and through lists. Error paths from that fetch are renamed the same way.
* ``ConditionNode`` picks ``if_clause`` when the boolean client variable ``condition`` is true,
  ``else_clause`` otherwise (``@skip``/``@include`` on a whole fetch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "ConditionNode",
    "EntityBatchNode",
    "FetchNode",
    "FlattenNode",
    "KeyField",
    "KeyFragment",
    "ParallelNode",
    "PlanNode",
    "QueryPlan",
    "Rename",
    "Representation",
    "SequenceNode",
]

OperationKind = Literal["query", "mutation", "subscription"]


@dataclass(frozen=True, slots=True)
class KeyField:
    """One field copied from the response tree into an entity representation."""

    name: str
    response_key: str
    selections: tuple[KeyField | KeyFragment, ...] = ()


@dataclass(frozen=True, slots=True)
class KeyFragment:
    """Fields copied only from objects of some runtime types (an inline fragment of a
    ``@requires`` field set that narrows the type: ``... on Box { depth }``).

    ``type_condition`` is the fragment's type as written; ``types`` the concrete types it
    applies to where it stands, matched against the object's ``__typename``.
    """

    type_condition: str
    types: tuple[str, ...]
    selections: tuple[KeyField | KeyFragment, ...] = ()


@dataclass(frozen=True, slots=True)
class Representation:
    """How to build the representation of one concrete type for an ``_entities`` call."""

    type_name: str
    fields: tuple[KeyField | KeyFragment, ...]
    match_types: tuple[str, ...] = ()

    def matches(self, typename: str) -> bool:
        """True when an object of runtime type ``typename`` gets this representation.

        ``type_name`` is what is sent as ``__typename``; ``match_types`` widens the match, e.g. an
        ``@interfaceObject`` subgraph receives the interface name for every implementing type.
        """
        return typename == self.type_name or typename in self.match_types


@dataclass(frozen=True, slots=True)
class Rename:
    """An aliased response key of a fetch's document and the key its answer belongs under."""

    answer_key: str
    key: str
    nested: tuple[Rename, ...] = ()


@dataclass(frozen=True, slots=True)
class FetchNode:
    """One request to one subgraph."""

    subgraph: str
    operation: str
    operation_kind: OperationKind = "query"
    variable_usages: tuple[str, ...] = ()
    representations: tuple[Representation, ...] | None = None
    operation_name: str | None = None
    id: int = 0
    renames: tuple[Rename, ...] = ()


@dataclass(frozen=True, slots=True)
class FlattenNode:
    """Run an entity fetch for the objects found at ``path`` of the response so far.

    ``also`` holds further paths whose objects join the same ``_entities`` call: sibling
    fetches that would send the same document to the same subgraph, merged into one request.
    """

    path: tuple[str, ...]
    node: FetchNode
    also: tuple[tuple[str, ...], ...] = ()

    @property
    def paths(self) -> tuple[tuple[str, ...], ...]:
        """Every path whose objects this fetch serves, ``path`` first."""
        return (self.path, *self.also)


@dataclass(frozen=True, slots=True)
class EntityBatchNode:
    """Several entity fetches to one subgraph, sent as one request.

    ``operation`` selects one ``_entities`` field per part, the i-th aliased ``_e{i}`` and fed
    the variable ``$r{i}``. Each part keeps its own paths and representation shapes (its
    ``FetchNode.operation`` is only the document it would have sent alone), so objects are
    matched and answers merged exactly as if every part ran on its own.
    """

    subgraph: str
    operation: str
    parts: tuple[FlattenNode, ...]
    variable_usages: tuple[str, ...] = ()
    operation_name: str | None = None


@dataclass(frozen=True, slots=True)
class SequenceNode:
    """Run children one after another (later ones read what earlier ones produced)."""

    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class ParallelNode:
    """Run children concurrently; they depend on nothing produced by each other."""

    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class ConditionNode:
    """Choose a branch by a boolean variable (from ``@skip``/``@include``)."""

    condition: str
    if_clause: PlanNode | None = None
    else_clause: PlanNode | None = None


PlanNode = (
    FetchNode | FlattenNode | EntityBatchNode | SequenceNode | ParallelNode | ConditionNode
)


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A whole plan; ``node`` is None when nothing needs a subgraph (e.g. only ``__typename``)."""

    node: PlanNode | None
    operation_kind: OperationKind = "query"
    metadata: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
