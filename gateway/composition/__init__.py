"""Federation v2 composition: subgraph SDLs to a supergraph SDL (build time only)."""

from .compose import CompositionResult, SubgraphSource, compose
from .diagnostics import CompositionFailed, Diagnostic

__all__ = ["CompositionFailed", "CompositionResult", "Diagnostic", "SubgraphSource", "compose"]
