"""One chaos stack per session; the chaos table in the terminal summary."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.chaos.report import ROWS, table, write
from tests.chaos.stack import ChaosStack

# Load per scenario: small enough for CI's budget; `make chaos` raises both.
ORDERS = int(os.environ.get("CHAOS_ORDERS", "30"))
CUSTOMERS = int(os.environ.get("CHAOS_CUSTOMERS", "6"))
# Every scenario (`make chaos`) or only those marked in_ci (CI's ~4 minute budget).
EVERY_SCENARIO = os.environ.get("CHAOS_EVERY_SCENARIO", "") == "1"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChaosStack]:
    running = ChaosStack(tmp_path_factory.mktemp("chaos"), customers_wanted=CUSTOMERS)
    try:
        yield running.start()
    finally:
        running.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ROWS:
        terminalreporter.section("chaos table (ground truth, cumulative)")
        terminalreporter.write_line(table(ROWS))
        if (path := write(ROWS)) is not None:
            terminalreporter.write_line(f"written to {path}")
