"""The one error type of the planning stage."""

__all__ = ["PlanningError"]


class PlanningError(Exception):
    """The operation cannot be planned against the supergraph (unknown operation, no route)."""
