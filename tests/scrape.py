"""Read a Prometheus text exposition back: the value of one series, for metric tests."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

__all__ = ["sample", "series"]


def series(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample called ``name`` (``_total``/``_count``/``_bucket`` included in the name)."""
    return [(s.labels, s.value) for family in text_string_to_metric_families(text)
            for s in family.samples if s.name == name]


def sample(text: str, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``; 0 when none."""
    wanted = labels.items()
    return sum(value for got, value in series(text, name) if wanted <= got.items())
