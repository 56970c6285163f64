"""Split a process's CPU time by thread group, plus Postgres's, per event (Linux /proc)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CpuSnapshot", "format_split", "split_per_event", "steal_share"]

# thread name prefixes (/proc/<pid>/task/<tid>/comm, 15 characters) -> group
_GROUPS = (
    ("debezium-postgr", "decoder"),
    ("pool-", "engine"),
    ("python", "python+duckdb"),
    ("GC Thread", "jvm-gc"),
    ("G1 ", "jvm-gc"),
    ("C2 Compiler", "jit"),
    ("C1 Compiler", "jit"),
)


def _ticks(stat: str) -> int:
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _group(name: str) -> str:
    return next((g for prefix, g in _GROUPS if name.startswith(prefix)), "other")


@dataclass
class CpuSnapshot:
    """CPU ticks per thread of this process and in all Postgres processes, at one moment."""

    threads: dict[str, tuple[str, int]] = field(default_factory=dict)
    postgres: int = 0
    machine: tuple[int, ...] = ()  # /proc/stat's cpu line: user nice system idle ... steal

    @classmethod
    def take(cls) -> CpuSnapshot:
        """Read /proc now (an empty snapshot where /proc does not exist)."""
        snap = cls()
        try:
            cpu = Path("/proc/stat").read_text().splitlines()[0].split()
            snap.machine = tuple(int(v) for v in cpu[1:9])
        except (OSError, IndexError, ValueError):
            pass
        for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
            try:
                name = (task / "comm").read_text().strip()
                snap.threads[task.name] = (name, _ticks((task / "stat").read_text()))
            except OSError:
                continue  # the thread ended
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if (proc / "comm").read_text().startswith("postgres"):
                    snap.postgres += _ticks((proc / "stat").read_text())
            except OSError:
                continue
        return snap


def split_per_event(a: CpuSnapshot, b: CpuSnapshot, events: int) -> dict[str, float]:
    """Return microseconds of CPU per event between two snapshots, per thread group."""
    tick_us = 1e6 / os.sysconf("SC_CLK_TCK") / max(events, 1)
    groups: Counter[str] = Counter()
    for tid, (name, ticks) in b.threads.items():
        groups[_group(name)] += ticks - a.threads.get(tid, (name, 0))[1]
    groups["postgres"] = b.postgres - a.postgres
    split = {g: v * tick_us for g, v in groups.most_common() if v > 0}
    split["total"] = sum(split.values())
    return split


def steal_share(a: CpuSnapshot, b: CpuSnapshot) -> float:
    """Return the share of the machine's CPU time its hypervisor gave to others (steal)."""
    if len(a.machine) < 8 or len(b.machine) < 8:
        return float("nan")
    total = sum(b.machine) - sum(a.machine)
    return (b.machine[7] - a.machine[7]) / total if total > 0 else float("nan")


def format_split(split: dict[str, float]) -> str:
    """Render a split as `group X.X` pairs."""
    return ", ".join(f"{g} {us:.1f}" for g, us in split.items())
