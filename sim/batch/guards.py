"""Guards around a sweep's processes: clean stops, no orphan workers, per-run time and memory limits.

- Stops: while a sweep runs, SIGTERM and SIGHUP (what `kill`, `timeout`, SLURM
  and a closed terminal send) raise `Stopped`, a KeyboardInterrupt, in the
  sweep process, so they stop it exactly as Ctrl-C does: finished runs are
  written, workers are stopped, the manifest says `interrupted`.
- Orphans: a pool worker asks Linux to kill it when its parent dies
  (`prctl(PR_SET_PDEATHSIG, SIGKILL)`), and a watchdog thread checks every
  `WATCH_SECONDS` that the sweep process is alive (a forkserver worker's parent
  is the forkserver, not the sweep), so even `kill -9` of the sweep leaves no
  worker running for more than a few seconds.
- Limits: `run_limits` bounds one run's address space (RLIMIT_AS: the run gets a
  MemoryError) and wall time (a SIGALRM timer: the run gets `RunTimeout`); the
  worker turns either into a `failed` run whose error says which limit it hit.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator

from sim.run_folder import process_alive

RUN_TIMEOUT_S = 3600.0  # default `--run-timeout`: runs of the bundled experiments take seconds
RUN_MEMORY_MB = 4096  # default `--run-memory` (address space): a worker at 5,000 employees maps about 0.8 GB
WATCH_SECONDS = 1.0
PR_SET_PDEATHSIG = 1


class Stopped(KeyboardInterrupt):
    """The sweep process received SIGTERM or SIGHUP (handled like Ctrl-C)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class RunTimeout(BaseException):
    """A run took longer than its wall-time limit (a BaseException: model code catching Exception must not swallow it)."""


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise `Stopped` (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = (signal.SIGTERM, signal.SIGHUP)

    def handler(signum, _frame):
        for each in wanted:
            # A second signal must not interrupt the cleanup that the first one starts.
            signal.signal(each, signal.SIG_IGN)
        raise Stopped(signum)

    previous = {each: signal.signal(each, handler) for each in wanted}
    try:
        yield
    finally:
        for each, action in previous.items():
            signal.signal(each, action)


def hold_signals() -> None:
    """Ignore SIGTERM and SIGHUP until `stop_on_signals` ends (while a stopping sweep writes its results)."""
    if threading.current_thread() is threading.main_thread():
        for each in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(each, signal.SIG_IGN)


# --------------------------------------------------------------------------- in the workers


def _watch(sweep_pid: int, parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent or not process_alive(sweep_pid):
            os._exit(1)  # the sweep is gone: nobody will read this worker's results


def init_worker(sweep_pid: int) -> None:
    """Pool worker initializer: die with the sweep, and leave Ctrl-C to the sweep process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the sweep stops the workers itself
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux only
    threading.Thread(target=_watch, args=(sweep_pid, os.getppid()), name="orgsim-watchdog", daemon=True).start()


def _on_alarm(_signum, _frame):
    raise RunTimeout


@contextlib.contextmanager
def run_limits(seconds: float | None, memory_mb: int | None) -> Iterator[None]:
    """Bound the run inside the block: address space (MemoryError) and wall time (RunTimeout).

    The timer needs the main thread (pool workers run tasks there); on a Dask
    worker's task thread the run checks its wall time itself (`worker._run`).
    """
    saved_limit = None
    if memory_mb:
        saved_limit = resource.getrlimit(resource.RLIMIT_AS)
        hard = saved_limit[1]
        wanted = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
    timer = bool(seconds) and threading.current_thread() is threading.main_thread()
    if timer:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        # Then every second: an interrupt that lands where Python cannot raise it (a finalizer) is repeated.
        signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if saved_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, saved_limit)
