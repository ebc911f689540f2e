"""Query planning: from a validated client operation to a QueryPlan over the subgraphs.

The chain (see `planner.build_plan`): `operation.normalise` -> `walker.Walker.walk` (fetch groups)
-> `assemble.assemble` (Sequence/Parallel/Flatten/Condition) with `render.render_fetch` per group.

Not supported yet: `@context`/`@fromContext` (join v0.5 `contextArguments`), `@defer`/`@stream`,
type conditions inside `@requires` field sets (their fields are sent flattened).
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
