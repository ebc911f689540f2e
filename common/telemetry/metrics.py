"""Prometheus metrics of one process: ``GET /metrics`` in the text format, summed over forked
workers (prometheus-client's multiprocess mode for its own metrics, shared snapshots for the hot
path's tallies, ``tally.py``), with gauges refreshed at scrape time."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import prometheus_client
from prometheus_client import CollectorRegistry, multiprocess, values
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from common.telemetry.tally import SharedTallies, share

__all__ = [
    "CONTENT_TYPE",
    "LATENCY_BUCKETS",
    "MULTIPROCESS_ENV",
    "enable_multiprocess",
    "on_scrape",
    "process_exited",
    "render",
    "run_directory",
    "scrape",
    "share_forever",
]

log = logging.getLogger(__name__)

# Text format 0.0.4, which every Prometheus reads (2.x included); names here need no escaping.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Seconds. 2 is a bound of its own so that the "p95 above 2 s" alert reads an edge, not an
# interpolation between 1 and 2.5 (histogram_quantile is linear inside a bucket).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
_REFRESH_SECONDS = 2.0  # one scrape waits at most this long for the slowest refresher
SHARE_SECONDS = 1.0  # how stale another worker's tallies may be in a scrape

Refresher = Callable[[], Awaitable[None]]
_refreshers: dict[object, Refresher] = {}


def run_directory(directory: str | None = None) -> Path:
    """A fresh directory for this run's per-process metric files (old files would add up)."""
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        return Path(directory)
    return Path(tempfile.mkdtemp(prefix="metrics-"))


def enable_multiprocess(directory: Path) -> None:
    """Every value created from now on lives in a file of ``directory`` (one per process), and
    a scrape sums them; call before forking workers and before any metric has a value."""
    os.environ[MULTIPROCESS_ENV] = str(directory)
    values.ValueClass = values.MultiProcessValue()


def process_exited(pid: int) -> None:
    """Drop a dead worker's live gauges (its counters keep counting in the sum)."""
    if os.environ.get(MULTIPROCESS_ENV):
        multiprocess.mark_process_dead(pid)


def on_scrape(owner: object, refresh: Refresher | None) -> None:
    """Run ``refresh`` (it sets gauges, e.g. from a database) before each scrape of this
    process; None forgets ``owner``'s refresher (at shutdown)."""
    if refresh is None:
        _refreshers.pop(owner, None)
    else:
        _refreshers[owner] = refresh


async def _refresh_all() -> None:
    jobs = [asyncio.wait_for(refresh(), _REFRESH_SECONDS) for refresh in _refreshers.values()]
    for outcome in await asyncio.gather(*jobs, return_exceptions=True):
        if isinstance(outcome, BaseException):  # that gauge keeps its last value
            log.warning("a metrics refresh failed: %r", outcome)


def render() -> bytes:
    """The text exposition of this process, or of every process in multiprocess mode."""
    directory = os.environ.get(MULTIPROCESS_ENV)
    if not directory:
        return generate_latest(prometheus_client.REGISTRY)
    share(directory)  # this worker's tallies as of now; the others' at most SHARE_SECONDS old
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(SharedTallies(directory))
    return generate_latest(registry)


async def share_forever() -> None:
    """In multiprocess mode, write this worker's tallies every ``SHARE_SECONDS`` (a task for
    the server's lifetime); otherwise return at once."""
    directory = os.environ.get(MULTIPROCESS_ENV)
    while directory:
        await asyncio.sleep(SHARE_SECONDS)
        try:
            share(directory)
        except OSError as error:  # a full disk must not stop the worker; the next try may pass
            log.warning("cannot share this worker's metrics: %r", error)


async def scrape() -> bytes:
    """What ``GET /metrics`` answers: gauges refreshed, then ``render``."""
    await _refresh_all()
    return render()
