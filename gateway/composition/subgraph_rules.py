"""Rules checked on each subgraph alone (Federation v2 subgraph validation)."""

from __future__ import annotations

from .diagnostics import Diagnostic
from .model import Subgraph

__all__ = ["check_subgraph"]


def check_subgraph(subgraph: Subgraph, names: set[str]) -> list[Diagnostic]:
    return []
