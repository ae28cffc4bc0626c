"""How `make bench` writes its results: the machine, the method, and the table (benchmarks/results.md)."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from cases import BATCH_ROUNDS, VALIDATION_ROUNDS, runs_for

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("mesa", "numpy", "pandas", "pydantic")


def _first_line(path: str, prefix: str) -> str | None:
    """The part after the colon of the first line of `path` that starts with `prefix`, if any."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine() -> dict:
    """The machine, the packages and the commit the figures were taken on."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = _first_line("/proc/cpuinfo", "model name") or platform.processor() or "unknown"
    total = _first_line("/proc/meminfo", "MemTotal")
    memory = f"{int(total.split()[0]) / 1024 / 1024:.1f} GiB" if total else "unknown"
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "-"
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "-"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": packages,
        "commit": commit or "-",
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render(info: dict, rows, samples: dict[str, int], elapsed: float) -> str:
    """The markdown of results.md: the machine, how the samples were taken, and one row per measure.

    `samples`: how many samples each case took ("small", "scale", "large", "validation", "batch").
    """
    packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    load = "" if info["load"] is None else " / ".join(f"{x:.2f}" for x in info["load"])
    lines = [
        "## Performance",
        "",
        (
            f"Machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), {info['memory']} RAM;"
            f" {info['os']}; Python {info['python']}; {packages}."
        ),
        f"Commit {info['commit']}, {info['date']}; load average before the run {load}.",
        (
            f"Medians of samples ({samples['small']} of yy_company, {samples['scale']} at 1,000 and 3,000 employees,"
            f" {samples['large']} at 10,000, {samples['validation']} of the validation network,"
            f" {samples['batch']} of the batches), each in a fresh process;"
            f" a sample of a company is the mean of {runs_for(1_000)} runs at 1,000 employees, {runs_for(3_000)} at 3,000"
            f" and 1 at 10,000, so that each lasts about as long; a validation sample runs orgsim and the reference"
            f" {VALIDATION_ROUNDS} times each, in turns, and a batch sample the batch on 1 and on 2 processes"
            f" {BATCH_ROUNDS} times each, in turns, then a CPU-only control task likewise; the sizes run in rounds (1,000, 3,000, then 10,000 employees)"
            f" and the runtime exponent is the median of one fit per round;"
            f" peak RSS is that process's ru_maxrss (interpreter and imports included); CPU is the process's own"
            f" CPU time for the same span, which a busy machine inflates less than wall time."
            f" `make bench` took {elapsed / 60:.1f} min."
        ),
        "",
        "| Measure | Result | Target | |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)
