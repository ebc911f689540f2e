"""The one error type of the supergraph stage: the SDL is not a usable Federation v2 supergraph."""

__all__ = ["SupergraphError"]


class SupergraphError(ValueError):
    """Raised when a supergraph SDL cannot be parsed or lacks the join/link machinery."""
