"""Sweeps that stop cleanly and tell the machinery's failures from the runs' (issue 14, parts 3 and 4).

- A run whose worker dies is run again, never stored as `failed`.
- SIGTERM and SIGHUP stop a sweep as Ctrl-C does: finished runs stored, workers gone, manifest `interrupted`.
- Workers die with the sweep, even after `kill -9` of the sweep process.
- A lost Dask scheduler ends the sweep in one line, with no run stored as failed.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pandas as pd
import pytest
import sweep_helpers
from sweep_helpers import small_experiment

from sim.batch import executors
from sim.batch.executors import BackendLost, DaskBackend, ProcessPoolBackend
from sim.batch.experiment import load_experiment
from sim.batch.store import read_runs
from sim.batch.sweep import run_sweep

REPO = Path(__file__).resolve().parent.parent


def sweep(experiment: Path, out: Path, **kwargs):
    return run_sweep(load_experiment(experiment), out, ProcessPoolBackend(2), progress=False, log=lambda _: None, **kwargs)


def table(out: Path) -> pd.DataFrame:
    frame = read_runs(out).to_pandas().drop(columns=["elapsed_s"])
    return frame.sort_values("run_key").reset_index(drop=True)


# --------------------------------------------------------------------------- infrastructure failures


def test_a_run_whose_worker_dies_is_run_again_not_failed(tmp_path):
    experiment = small_experiment(tmp_path, replications=1)
    flags = tmp_path / "flags"
    flags.mkdir()
    result = sweep(experiment, tmp_path / "out", runner=functools.partial(sweep_helpers.execute_dying_once_at_20, str(flags)))
    assert len(list(flags.iterdir())) == 2  # every 20-employee run killed its worker once
    assert result.failed == 0 and result.lost == 0
    sweep(experiment, tmp_path / "whole")
    pd.testing.assert_frame_equal(table(tmp_path / "out"), table(tmp_path / "whole"))


def test_a_run_lost_every_time_is_not_stored_and_the_next_sweep_runs_it(tmp_path):
    experiment = small_experiment(tmp_path, replications=2)
    out = tmp_path / "out"
    result = sweep(experiment, out, runner=sweep_helpers.execute_dying_at_20)
    runs = table(out)
    assert result.lost >= 4 and result.failed == 0 and set(runs["status"]) <= {"ok"}
    assert result.lost + len(runs) == 8 and 20 not in set(runs["employees"])
    assert json.loads((out / "manifest.json").read_text())["status"] == "incomplete"
    again = sweep(experiment, out)
    assert again.ran == result.lost and again.failed == 0
    assert len(table(out)) == 8


# --------------------------------------------------------------------------- stops


class _PoolBrokenAtSecondSubmit(executors.ProcessPoolExecutor):
    """The first pool breaks while its window is being filled, as when a worker dies that early."""

    pools = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).pools += 1
        self.submitted = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        if type(self).pools == 1 and self.submitted == 2:
            raise BrokenProcessPool("a child process terminated abruptly")
        return super().submit(fn, *args, **kwargs)


def test_a_pool_that_breaks_while_runs_are_handed_out_runs_every_run_on_a_new_one(monkeypatch):
    monkeypatch.setattr(executors, "ProcessPoolExecutor", _PoolBrokenAtSecondSubmit)
    results = dict(ProcessPoolBackend(2).map_unordered(abs, [-1, -2, -3, -4, -5]))
    assert results == {-1: 1, -2: 2, -3: 3, -4: 4, -5: 5} and _PoolBrokenAtSecondSubmit.pools == 2


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, their children...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def running(pids: set[int]) -> set[int]:
    """The processes of `pids` still running (zombies waiting for a parent to reap them are not)."""
    alive = set()
    for pid in pids:
        try:
            if (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] not in ("Z", "X"):
                alive.add(pid)
        except OSError:
            pass
    return alive


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def start_sweep(experiment: Path, out: Path, *backend: str) -> tuple[subprocess.Popen, list[str], set[int]]:
    """An `orgsim sweep` subprocess, once it has stored a part; (process, command, its descendants)."""
    command = [sys.executable, "-m", "sim", "sweep", str(experiment), "--out", str(out), "--workers", "2",
               "--batch", "2", "--no-progress", *backend]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    wait_for(lambda: process.poll() is not None or list((out / "runs").glob("part-*.parquet")), 90, "no part stored")
    assert process.poll() is None, "the sweep ended before it could be stopped"
    wait_for(lambda: len(descendants(process.pid)) >= 3, 30, "no forkserver and workers")  # forkserver + 2 workers
    return process, command, descendants(process.pid)


@pytest.fixture
def stopped_experiment(tmp_path):
    return small_experiment(tmp_path, replications=2, days=20, sizes="[80, 120, 160]")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_a_sweep_like_ctrl_c(stopped_experiment, tmp_path, signum):
    out = tmp_path / "stopped"
    process, command, children = start_sweep(stopped_experiment, out)
    try:
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 128 + signum, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    stored = len(read_runs(out))
    assert manifest["sessions"][-1]["runs_done"] == stored > 0  # every run reported finished is stored
    wait_for(lambda: not running(children), 30, f"processes left behind: {running(children)}")
    if signum == signal.SIGTERM:
        resumed = subprocess.run(command, check=False, cwd=REPO, capture_output=True, text=True, timeout=180)
        assert resumed.returncode == 0, resumed.stderr
        assert f"{stored} already stored" in resumed.stderr
        sweep(stopped_experiment, tmp_path / "whole")
        got = table(out)
        assert got["run_key"].is_unique and len(got) == 12
        pd.testing.assert_frame_equal(got, table(tmp_path / "whole"))


@pytest.mark.parametrize("backend", [(), ("--dask-local",)], ids=["pool", "dask-local"])
def test_workers_die_with_a_sweep_killed_by_sigkill(stopped_experiment, tmp_path, backend):
    process, _, children = start_sweep(stopped_experiment, tmp_path / "killed", *backend)
    try:
        os.kill(process.pid, signal.SIGKILL)  # the sweep only: its workers are on their own
        process.wait(timeout=30)
        wait_for(lambda: not running(children), 30, f"orphans after kill -9: {running(children)}")
    finally:
        for pid in running(children):
            os.kill(pid, signal.SIGKILL)
    if not backend:  # the pool's folder of markers outlives the killed sweep, until the next sweep on a pool
        left = list(Path(tempfile.gettempdir()).glob(f"{executors.RUNNING_PREFIX}{process.pid}-*"))
        assert len(left) == 1
        assert list(ProcessPoolBackend(1).map_unordered(abs, [-3])) == [(-3, 3)]
        assert not left[0].exists()


class _LoseTheScheduler(DaskBackend):
    """Closes the Dask scheduler after the first results arrive."""

    def __init__(self, cluster):
        super().__init__(address=cluster.scheduler_address)
        self.cluster = cluster

    def map_unordered(self, fn, tasks):
        for i, item in enumerate(super().map_unordered(fn, tasks)):
            if i == 2:
                self.cluster.sync(self.cluster.scheduler.close)
            yield item


def test_a_lost_dask_scheduler_stores_no_failure_and_ends_in_one_line(tmp_path, caplog):
    from distributed import LocalCluster

    experiment = small_experiment(tmp_path, replications=3, days=10, sizes="[10, 20]")
    out = tmp_path / "out"
    before = descendants(os.getpid())
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with pytest.raises(BackendLost, match="scheduler .* was lost.*run the same command again"):
            run_sweep(load_experiment(experiment), out, _LoseTheScheduler(cluster), progress=False, log=lambda _: None)
    finally:
        # Without a scheduler the cluster cannot close its workers politely: end the processes it started.
        for pid in running(descendants(os.getpid()) - before):
            with contextlib.suppress(OSError):
                if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():  # multiprocessing's own
                    os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            cluster.close(timeout=1)
    runs = table(out)
    assert 3 <= len(runs) < 12 and set(runs["status"]) == {"ok"}
    assert not [r for r in caplog.records if r.name == "distributed.client" and r.levelno >= logging.ERROR]
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
