"""Composition diagnostics: errors that fail a build and warnings that do not."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CompositionFailed", "Diagnostic", "error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem: which subgraph, which schema coordinate, what is wrong and what to do."""

    code: str
    message: str
    subgraph: str = ""
    coordinate: str = ""
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"[{self.subgraph}] " if self.subgraph else ""
        at = f"{self.coordinate}: " if self.coordinate else ""
        hint = f" Fix: {self.hint}" if self.hint else ""
        return f"{self.severity} {self.code}: {where}{at}{self.message}{hint}"


def error(code: str, message: str, *, subgraph: str = "", coordinate: str = "",
          hint: str = "") -> Diagnostic:
    """Build an error diagnostic (composition fails)."""
    return Diagnostic(code, message, subgraph, coordinate, hint, "error")


def warning(code: str, message: str, *, subgraph: str = "", coordinate: str = "",
            hint: str = "") -> Diagnostic:
    """Build a warning diagnostic (composition still succeeds)."""
    return Diagnostic(code, message, subgraph, coordinate, hint, "warning")


class CompositionFailed(Exception):
    """Raised when composition cannot produce a supergraph; carries every error found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics
