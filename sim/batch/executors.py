"""Where a sweep's runs execute: a local process pool, or a Dask distributed cluster.

Both take an iterable of tasks and yield `(task, result)` as runs finish, in
whatever order they finish, keeping only a bounded window of tasks in flight
(a sweep's task list is never materialized on the workers at once). Results do
not depend on the backend or the number of workers: each run is a pure
function of its resolved scenario and seed.

A run that raised is the run's failure (`execute` returns it as `failed`). A run
lost to the machinery (its pool worker died, the pool broke, a Dask worker or
the scheduler went away) is not: it is run again, up to `MAX_ATTEMPTS` times in
all, and if it is lost every time it is yielded as `lost`, which a sweep does
not store (the next sweep runs it again).
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sim.batch.guards import init_worker
from sim.run_folder import remove_orphans

MAX_ATTEMPTS = 3  # tries of a run whose worker is lost before it is given up (not stored) for this sweep
LOST = "lost"
WORKER_DIED = "WorkerDied: the worker process running this run died (memory? killed?)"
RUNNING_PREFIX = "orgsim-running-"  # the temporary folder of a pool sweep's markers of runs in progress


class BackendLost(RuntimeError):
    """The Dask scheduler went away mid-sweep; the message is one user-facing line."""


def _failed(error: str) -> dict:
    return {"status": "failed", "metrics": {}, "error": error, "elapsed_s": float("nan"), "timeseries": None}


def _lost(error: str) -> dict:
    return {**_failed(error), "status": LOST}


def _one_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def _task_id(task) -> str:
    return str(getattr(task, "key", id(task)))


def _marked(fn: Callable, folder: str, task):
    """Run `fn(task)` in a pool worker, with a file in `folder` saying it runs meanwhile.

    When the pool breaks, the runs with a file were running and are charged an
    attempt; the others were only queued, and go again without a charge.
    """
    marker = Path(folder) / _task_id(task)
    marker.touch()
    try:
        return fn(task)
    finally:
        marker.unlink(missing_ok=True)


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sim.batch.worker", "sim.model"])
        return context
    return multiprocessing.get_context("spawn")


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before Python 3.14
    for process in processes:
        try:
            process.terminate()
        except (OSError, AttributeError):
            pass
    for process in processes:
        # Wait for them, so no worker outlives the sweep; SIGKILL what does not stop in time.
        try:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
        except (OSError, AttributeError, AssertionError, ValueError):
            pass


class ProcessPoolBackend:
    """A pool of local worker processes (forkserver or spawn; never fork: Mesa and threads)."""

    def __init__(self, workers: int | None = None, max_attempts: int = MAX_ATTEMPTS):
        self.workers = workers or os.cpu_count() or 1
        self.max_attempts = max_attempts

    def describe(self) -> dict:
        return {"backend": "processes", "workers": self.workers}

    def map_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[tuple]:
        # The markers' folder is named after this process: a sweep killed with SIGKILL cannot remove its
        # own, so the next sweep removes those whose process is gone.
        remove_orphans(Path(tempfile.gettempdir()), RUNNING_PREFIX)
        with tempfile.TemporaryDirectory(prefix=f"{RUNNING_PREFIX}{os.getpid()}-") as running:
            yield from self._map(functools.partial(_marked, fn, running), Path(running), tasks)

    def _map(self, fn: Callable, running: Path, tasks: Iterable) -> Iterator[tuple]:
        pending = iter(tasks)
        window = 4 * self.workers
        retry: list = []  # tasks whose worker died, to resubmit
        attempts: dict[int, int] = {}
        context = _mp_context()
        while True:
            pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=init_worker,
                                       initargs=(os.getpid(),))
            in_flight: dict = {}
            broken = False
            try:
                while True:
                    while len(in_flight) < window:
                        task = retry.pop() if retry else next(pending, None)
                        if task is None:
                            break
                        try:
                            in_flight[pool.submit(fn, task)] = task
                        except BrokenProcessPool:  # a worker died while the window was being filled
                            retry.append(task)  # never started: not its fault
                            broken = True
                            break
                    if not in_flight and not broken:
                        return
                    done, _ = (set(), None) if broken else wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        task = in_flight.pop(future)
                        try:
                            result = future.result()
                        except BrokenProcessPool:
                            broken = True
                            in_flight[future] = task  # with the others in flight: run again below
                            continue
                        except Exception as error:  # noqa: BLE001 - e.g. a result that cannot be pickled
                            result = _failed(_one_line(error))
                        yield task, result
                    if broken:
                        # Every run still in flight died with the pool: run them again on a new one.
                        lost = list(in_flight.values())
                        in_flight.clear()
                        for task in lost:
                            marker = running / _task_id(task)
                            if not marker.exists():
                                retry.append(task)  # only queued: not its fault
                                continue
                            marker.unlink()
                            attempts[_task_id(task)] = attempts.get(_task_id(task), 0) + 1
                            if attempts[_task_id(task)] >= self.max_attempts:
                                yield task, _lost(WORKER_DIED)
                            else:
                                retry.append(task)
                        break
            finally:
                if in_flight and not broken:
                    # Interrupted (Ctrl-C, or the consumer stopped): do not leave runs going on in the background.
                    _terminate_workers(pool)
                pool.shutdown(wait=not broken and not in_flight, cancel_futures=True)


class DaskBackend:
    """A Dask distributed cluster: an existing scheduler's address, or a LocalCluster started here."""

    def __init__(self, address: str | None = None, local_workers: int | None = None, retries: int = 2,
                 max_attempts: int = MAX_ATTEMPTS):
        self.address = address
        self.max_attempts = max_attempts
        self.local_workers = local_workers
        self.retries = retries
        self._client = None
        self._cluster = None

    def describe(self) -> dict:
        return {"backend": "dask", "scheduler": self.address or "LocalCluster", "workers": self.local_workers}

    def start(self, timeout: float = 20.0) -> None:
        """Connect to the scheduler (or start the LocalCluster); OSError when it cannot be reached."""
        if self._client is not None:
            return
        from distributed import Client, LocalCluster

        if self.address:
            self._client = Client(self.address, timeout=timeout)
            return
        self._cluster = LocalCluster(
            n_workers=self.local_workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        self._client = Client(self._cluster)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def map_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[tuple]:
        from distributed import as_completed

        self.start()
        client = self._client
        # A lost scheduler is told in one line (BackendLost), not in the client's logged tracebacks.
        client_log = logging.getLogger("distributed.client")
        level = client_log.level
        client_log.setLevel(logging.CRITICAL)
        try:
            pending = iter(tasks)
            retry: list = []  # tasks lost to the cluster, to submit again
            attempts: dict = {}
            in_flight: dict = {}
            completed = as_completed()

            def submit_one() -> bool:
                task = retry.pop() if retry else next(pending, None)
                if task is None:
                    return False
                future = client.submit(fn, task, key=f"orgsim-run-{task.key}-{os.urandom(4).hex()}", retries=self.retries, pure=False)
                in_flight[future.key] = task
                completed.add(future)
                return True

            def top_up() -> None:
                # Workers may join later (e.g. SLURM jobs that start late): size the window to the cluster now.
                window = max(8, 4 * sum(client.nthreads().values()))
                while len(in_flight) < window and submit_one():
                    pass

            try:
                top_up()
                checked = time.monotonic()
                for future in completed:
                    task = in_flight.pop(future.key)
                    try:
                        result = future.result()
                    except Exception as error:  # noqa: BLE001 - `execute` never raises: the cluster lost the run
                        if client.status != "running":
                            raise OSError(f"the client is {client.status}") from None
                        attempts[task.key] = attempts.get(task.key, 0) + 1
                        future.release()
                        if attempts[task.key] < self.max_attempts:
                            retry.append(task)
                            submit_one()
                            continue
                        result = _lost(_one_line(error))
                    future.release()
                    yield task, result
                    if time.monotonic() - checked > 5.0:
                        top_up()
                        checked = time.monotonic()
                    else:
                        submit_one()
            except (OSError, TimeoutError, RuntimeError) as error:
                # The scheduler went away (connection closed, client shut down): nothing more will finish.
                for task in in_flight.values():
                    yield task, _lost(_one_line(error))
                raise BackendLost(
                    f"the Dask scheduler {self.address or '(LocalCluster)'} was lost ({_one_line(error)}); "
                    f"finished runs are stored: run the same command again to resume"
                ) from None
        finally:
            self.close()
            client_log.setLevel(level)
