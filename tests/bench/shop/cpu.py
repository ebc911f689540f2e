"""CPU seconds per process tree, from /proc (Linux): a service's process and its children
(the gateway's forked workers), read before and after a load step."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["children_of", "machine_busy_seconds", "process_seconds", "thread_seconds",
           "tree_seconds", "used"]

TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    return _stat_fields_of(Path(f"/proc/{pid}/stat"))


def _stat_fields_of(path: Path) -> list[str] | None:
    try:
        text = path.read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # the command name (field 2) may hold spaces and parentheses: split after its last ')'
    return text[text.rindex(")") + 2:].split()


def process_seconds(pid: int) -> float:
    """utime + stime of one process (fields 14 and 15 of /proc/<pid>/stat); 0 if gone."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / TICK if fields else 0.0


def thread_seconds(pid: int) -> dict[str, float]:
    """CPU seconds of one process's main thread (user and kernel apart) and of its other
    threads together (/proc/<pid>/task; Python does not name its threads for the OS)."""
    split = {"main thread user": 0.0, "main thread kernel": 0.0, "other threads": 0.0}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        fields = _stat_fields_of(task / "stat")
        if not fields:
            continue
        if task.name == str(pid):
            split["main thread user"] += int(fields[11]) / TICK
            split["main thread kernel"] += int(fields[12]) / TICK
        else:
            split["other threads"] += (int(fields[11]) + int(fields[12])) / TICK
    return split


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


def tree_seconds(pid: int) -> float:
    """CPU seconds of a process and its live descendants."""
    return sum(process_seconds(p) for p in [pid, *children_of(pid)])


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (/proc/stat's first line)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


def used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Seconds each name used between two readings (names in ``after``)."""
    return {name: round(after[name] - before.get(name, 0.0), 2) for name in after}
