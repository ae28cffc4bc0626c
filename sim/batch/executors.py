"""Where a sweep's runs execute: a local process pool, or a Dask distributed cluster.

Both take an iterable of tasks and yield `(task, result)` as runs finish, in
whatever order they finish, keeping only a bounded window of tasks in flight
(a sweep's task list is never materialized on the workers at once). Results do
not depend on the backend or the number of workers: each run is a pure
function of its resolved scenario and seed.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

WORKER_DIED = "WorkerDied: the worker process running this run died (memory? killed?)"


def _failed(error: str) -> dict:
    return {"status": "failed", "metrics": {}, "error": error, "elapsed_s": float("nan"), "timeseries": None}


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sim.batch.worker", "sim.model"])
        return context
    return multiprocessing.get_context("spawn")


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    for process in list(getattr(pool, "_processes", {}).values()):  # no public API before Python 3.14
        try:
            process.terminate()
        except (OSError, AttributeError):
            pass


class ProcessPoolBackend:
    """A pool of local worker processes (forkserver or spawn; never fork: Mesa and threads)."""

    def __init__(self, workers: int | None = None, max_attempts: int = 3):
        self.workers = workers or os.cpu_count() or 1
        self.max_attempts = max_attempts

    def describe(self) -> dict:
        return {"backend": "processes", "workers": self.workers}

    def map_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[tuple]:
        pending = iter(tasks)
        window = 4 * self.workers
        retry: list = []  # tasks whose worker died, to resubmit
        attempts: dict[int, int] = {}
        context = _mp_context()
        while True:
            pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            in_flight: dict = {}
            broken = False
            try:
                while True:
                    while len(in_flight) < window:
                        task = retry.pop() if retry else next(pending, None)
                        if task is None:
                            break
                        in_flight[pool.submit(fn, task)] = task
                    if not in_flight:
                        return
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        task = in_flight.pop(future)
                        try:
                            result = future.result()
                        except BrokenProcessPool:
                            broken = True
                            attempts[id(task)] = attempts.get(id(task), 0) + 1
                            if attempts[id(task)] >= self.max_attempts:
                                yield task, _failed(WORKER_DIED)
                            else:
                                retry.append(task)
                            continue
                        except Exception as error:  # noqa: BLE001 - e.g. a result that cannot be pickled
                            result = _failed(f"{type(error).__name__}: {' '.join(str(error).split())}")
                        yield task, result
                    if broken:
                        # Every run still in flight died with the pool: run them again on a new one.
                        for future, task in in_flight.items():
                            attempts[id(task)] = attempts.get(id(task), 0) + 1
                            if attempts[id(task)] >= self.max_attempts:
                                yield task, _failed(WORKER_DIED)
                            else:
                                retry.append(task)
                        in_flight.clear()
                        break
            finally:
                if in_flight and not broken:
                    # Interrupted (Ctrl-C, or the consumer stopped): do not leave runs going on in the background.
                    _terminate_workers(pool)
                pool.shutdown(wait=not broken and not in_flight, cancel_futures=True)


class DaskBackend:
    """A Dask distributed cluster: an existing scheduler's address, or a LocalCluster started here."""

    def __init__(self, address: str | None = None, local_workers: int | None = None, retries: int = 2):
        self.address = address
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
        try:
            pending = iter(tasks)
            in_flight: dict = {}
            completed = as_completed()

            def submit_one() -> bool:
                task = next(pending, None)
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

            top_up()
            checked = time.monotonic()
            for future in completed:
                task = in_flight.pop(future.key)
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - e.g. KilledWorker after repeated worker deaths
                    result = _failed(f"{type(error).__name__}: {' '.join(str(error).split())}")
                future.release()
                yield task, result
                if time.monotonic() - checked > 5.0:
                    top_up()
                    checked = time.monotonic()
                else:
                    submit_one()
        finally:
            self.close()
