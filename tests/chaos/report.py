"""The chaos table: one row per scenario, printed at the end of the run and written to a file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tests.chaos.truth import Truth

__all__ = ["ROWS", "Row", "table", "write"]

HEADER = ("scenario", "checkouts/s", "orders", "outcomes", "charges", "refunds", "duplicates",
          "lost", "timed out", "messages", "untold", "reads ok/failed", "recover s")


@dataclass(frozen=True)
class Row:
    """One scenario's line: its ground truth (cumulative), what the load saw, how long."""

    scenario: str
    truth: Truth
    messages: int
    untold: int  # orders whose final message is not on both channels (events the broker lost)
    reads: tuple[int, int]
    recover: float
    rate: float  # checkouts acknowledged per second while the load ran

    def cells(self) -> tuple[str, ...]:
        t = self.truth
        outcomes = " ".join(f"{k}={v}" for k, v in sorted(t.outcomes.items()))
        return (self.scenario, f"{self.rate:.1f}", str(len(t.orders)), outcomes,
                str(t.charges), str(t.refunds), str(t.double_charges + t.duplicate_messages),
                str(t.lost), str(t.timed_out), str(self.messages), str(self.untold),
                f"{self.reads[0]}/{self.reads[1]}", f"{self.recover:.1f}")


ROWS: list[Row] = []


def table(rows: list[Row]) -> str:
    """A Markdown table (counts are cumulative: each scenario adds to the same databases)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def write(rows: list[Row]) -> Path | None:
    """Write the table where ``CHAOS_REPORT`` says (nothing when unset)."""
    target = os.environ.get("CHAOS_REPORT")
    if not target or not rows:
        return None
    path = Path(target)
    path.write_text(table(rows) + "\n")
    return path
