"""Query planning: from a validated client operation to a QueryPlan over the subgraphs.

The chain (see `planner.build_plan`): `operation.normalise` -> `walker.Walker.walk` (fetch groups)
-> `assemble.assemble` (Sequence/Parallel/Flatten/Condition) with `render.render_fetch` per group
(which fits each document to its subgraph's own schema: `prune`, then `field_merging`), then
`coalesce.coalesce_fetches` (side-by-side entity fetches to one subgraph share a request; the
staged layout wins when it lets more requests merge at the same depth).

Choosing subgraphs (`reach.Reach`, PLANNER.md "Planning as a search"): at every composite field
the walker asks which part of the selection the current subgraph delivers, counting entity jumps
below it (to any subgraph a key route reaches, keys whose fields come partly from elsewhere
included, `resolution.Resolver.key_deliverable`), and sends the rest through another fetch: a
query root field's rest to another subgraph's root (shared roots), an entity's rest by its key
from the nearest entity above (from the fetch's origin when at the top of an entity fetch).
Root fields are placed by cost (`Walker._root_cost`: fetches, then fetches that wait), jumps by
whether the target delivers the whole field, then hops. A field selected on an interface must be
delivered by one subgraph for every implementation (else it is refused, as Apollo's planner
does). Composition asks the same planner about paths its own walk cannot complete
(`gateway.composition.planner_check`), so the two share one notion of "reachable".

Not supported yet: `@context`/`@fromContext` (join v0.5 `contextArguments`: the argument is not
sent). `@defer`/`@stream` never reach the planner: `pipeline.plan_for` removes them, and
`executor.incremental` delivers the deferred parts of the one plan as their fetches complete.

Known limits:
- The choice is greedy with a cost look-ahead, not an exhaustive search over every combination
  of paths: on shapes where the cheapest plan needs a non-local trade (say, giving up a jump so
  another subgraph's root answers more), the plan is correct but may make one fetch more than
  Apollo's or Hive's.
- Internal aliases (`internal.InternalAliases`) are chosen per response path (list levels
  share one) for key and `@requires` sets at every depth; a composite field is aliased whole
  when the client's nested keys under its name clash.
- `field_merging` renames an aliased answer back under its key. That is right where the two
  fields' parents exclude each other or the two are one field under two shapes; two meanings
  under one key on one object (which the walker avoids: internal aliases, one fetch per type
  into an `@interfaceObject` graph) would keep the last one.
- `__internal_typename` is fixed by the executor contract; a client key of that name where an
  `@interfaceObject` graph needs it is a PlanningError (elsewhere the executor could read a
  client's value under that key as a type name).
- Entity fetches are shared across producers only when they enter with the same key; a shared
  fetch first entered inside a conditional fragment waits for every producer.
- The staged layout (used when the tree layout cannot order a shared fetch, or is deeper or
  merges fewer requests and no fetch is conditional) has no ConditionNode: fetches still carry
  their `@include`/`@skip`. Staged, a round waits for its slowest fetch even where a branch
  could go on: with subgraphs of very different latency that can cost more than the requests
  it saves (the gateway's `merge_requests_across_branches: false` keeps the tree layout).
"""

from gateway.planner.errors import PlanningError
from gateway.planner.labels import enabled_labels, override_labels
from gateway.planner.planner import QueryPlanner, build_plan, plan_operation

__all__ = [
    "PlanningError",
    "QueryPlanner",
    "build_plan",
    "enabled_labels",
    "override_labels",
    "plan_operation",
]
