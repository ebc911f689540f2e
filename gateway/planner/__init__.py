"""Query planning: from a validated client operation to a QueryPlan over the subgraphs."""

from gateway.planner.errors import PlanningError
from gateway.planner.planner import QueryPlanner, build_plan, plan_operation

__all__ = ["PlanningError", "QueryPlanner", "build_plan", "plan_operation"]
