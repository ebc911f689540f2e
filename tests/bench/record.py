"""Where a benchmark keeps its latest result: tests/bench/results/<name>.json, printed too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["record_result"]

RESULTS = Path(__file__).resolve().parent / "results"


def record_result(name: str, result: dict[str, Any]) -> None:
    """Write ``result`` to results/<name>.json and print it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
