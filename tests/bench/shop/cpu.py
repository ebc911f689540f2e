"""CPU seconds per process, from /proc (Linux): a service's process tree (the gateway's forked
workers), threads, PostgreSQL backends, each keyed by ``(pid, start time)`` so that a
:class:`~tests.bench.shop.ledger.CpuLedger` can follow processes that come and go in a step."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SCALAR", "Key", "Times", "children_of", "machine_busy_seconds", "now_ticks",
           "process_times", "thread_times", "tree_times"]

TICK = os.sysconf("SC_CLK_TCK")
Key = tuple[int, int]  # (pid or tid, start time in clock ticks since boot): reuse-proof
Times = dict[Key, float]  # CPU seconds per process (or thread) alive at one reading
SCALAR: Key = (0, 0)  # the key of a counter that is not a process (the machine, this process)


def _stat_fields(pid: int) -> list[str] | None:
    return _stat_fields_of(Path(f"/proc/{pid}/stat"))


def _stat_fields_of(path: Path) -> list[str] | None:
    try:
        text = path.read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # the command name (field 2) may hold spaces and parentheses: split after its last ')'
    return text[text.rindex(")") + 2:].split()


def process_times(pids: list[int]) -> Times:
    """utime + stime of each live process of ``pids``, keyed by (pid, start time)."""
    found = {}
    for pid in pids:
        if fields := _stat_fields(pid):
            found[(pid, int(fields[19]))] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def tree_times(pid: int) -> Times:
    """One entry, keyed by the root ``pid``: the seconds of it and its live descendants, each
    with those of the children it reaped (cutime, cstime). A worker that exits moves its seconds
    into its parent's, so the sum only grows, where summing live processes alone would drop."""
    root = _stat_fields(pid)
    if not root:
        return {}
    ticks = 0
    for member in [pid, *children_of(pid)]:
        if fields := _stat_fields(member):
            ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return {(pid, int(root[19])): ticks / TICK}


def thread_times(pid: int) -> dict[str, Times]:
    """CPU seconds of one process's main thread (user and kernel apart) and of each of its
    other threads (/proc/<pid>/task; Python does not name its threads for the OS)."""
    split: dict[str, Times] = {"main thread user": {}, "main thread kernel": {},
                               "other threads": {}}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        fields = _stat_fields_of(task / "stat")
        if not fields:
            continue
        key = (int(task.name), int(fields[19]))
        if task.name == str(pid):
            split["main thread user"][key] = int(fields[11]) / TICK
            split["main thread kernel"][key] = int(fields[12]) / TICK
        else:
            split["other threads"][key] = (int(fields[11]) + int(fields[12])) / TICK
    return split


def now_ticks() -> int:
    """Clock ticks since boot now, comparable with a process's start time (field 22)."""
    return int(float(Path("/proc/uptime").read_text().split()[0]) * TICK)


def children_of(pid: int) -> list[int]:
    """Every descendant of ``pid`` alive now (scans /proc for parent ids)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (/proc/stat's first line)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK
