"""Rules checked on the merged supergraph (Federation v2 composition validation)."""

from __future__ import annotations

from .diagnostics import Diagnostic
from .supergraph_model import Merged

__all__ = ["check_supergraph"]


def check_supergraph(merged: Merged) -> list[Diagnostic]:
    return []
