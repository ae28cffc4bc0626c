"""The run table on disk: a Parquet dataset that grows as runs finish.

`DIR/runs/` holds one small part file per batch of finished runs, each written
to a temporary (hidden) name and renamed, so a kill never leaves a half
file. A row is one run: its key, status (`ok` | `failed`), design point,
replication, seed, resolved design values (one column per design key), the
fields that identify the run, every requested headline metric or the `error`.
`DIR/timeseries/` (when asked for) holds the daily observations of each run,
keyed by `run_key`; its part for a batch is written before the batch's runs
part, and orphans are dropped on the next open.

The dataset always reads as one row per run key: `repair` (run on open) keeps
the best row of a key (ok over failed, then the newest) and rewrites the parts
that held the others, and deletes the hidden temporary files a killed writer
left; `drop_failed` removes failed rows before a retry. `add` refuses a key
already stored (`DuplicateRun`), and `read_runs` keeps one row per key even
in a folder a crash left with two. One sweep writes to a
folder at a time: `RunStore.lock` holds an exclusive lock on `DIR/.lock`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.metrics import INTEGER_METRICS, TEXT_METRICS
from sim.output import atomic_write_table

OK, FAILED = "ok", "failed"
ID_COLUMNS = [
    ("run_key", pa.string()),
    ("status", pa.string()),
    ("point", pa.int64()),
    ("replication", pa.int64()),
    ("seed", pa.int64()),
]
RUN_COLUMNS = [
    ("scenario", pa.string()),
    ("structure", pa.string()),
    ("employees", pa.int64()),
    ("horizon_days", pa.int64()),
]
TAIL_COLUMNS = [("error", pa.string()), ("elapsed_s", pa.float64())]


def run_key(scenario: dict, replication: int) -> str:
    """A hash of the resolved scenario (its seed included) and the replication."""
    text = json.dumps(scenario, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{text}|replication={replication}".encode()).hexdigest()[:32]


def metric_type(name: str) -> pa.DataType:
    if name in TEXT_METRICS:
        return pa.string()
    return pa.int64() if name in INTEGER_METRICS else pa.float64()


def _value_type(values: list[Any]) -> pa.DataType:
    present = [v for v in values if v is not None]
    if not present:
        return pa.string()
    if all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.int64()
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pa.float64()
    return pa.string()


def design_value(value: Any, arrow_type: pa.DataType) -> Any:
    """A resolved design value as stored: tables and lists as JSON text."""
    if value is None:
        return None
    if arrow_type == pa.string() and not isinstance(value, str):
        return json.dumps(value, sort_keys=True)
    return value


def run_schema(design_keys: list[str], design_values: dict[str, list[Any]], metrics: tuple[str, ...]) -> pa.Schema:
    """The run table's columns: ids, design keys, run fields, metrics, error and run time."""
    fields = [pa.field(n, t) for n, t in ID_COLUMNS]
    fields += [pa.field(k, _value_type(design_values[k])) for k in design_keys]
    fields += [pa.field(n, t) for n, t in RUN_COLUMNS if n not in design_keys]
    fields += [pa.field(m, metric_type(m)) for m in metrics]
    fields += [pa.field(n, t) for n, t in TAIL_COLUMNS]
    return pa.schema(fields)


def _part_name() -> str:
    return f"part-{time.time_ns():020d}-{os.getpid()}.parquet"


def _parts(directory: Path) -> list[Path]:
    return sorted(directory.glob("part-*.parquet")) if directory.is_dir() else []


def _temporaries(directory: Path) -> list[Path]:
    """Hidden files `atomic_write_bytes` writes before renaming them to a part."""
    return sorted(directory.glob(".part-*.tmp")) if directory.is_dir() else []


class FolderInUse(RuntimeError):
    """Another sweep holds the output folder's lock."""


def read_dataset(directory: str | Path, columns: list[str] | None = None) -> pa.Table:
    """Every part of a dataset folder as one table (schemas of older parts are unified)."""
    directory = Path(directory)
    parts = _parts(directory)
    if not parts:
        return pa.table({})
    schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive")
    dataset = ds.dataset([str(p) for p in parts], format="parquet", schema=schema)
    if columns is not None:
        columns = [c for c in columns if c in schema.names]
    return dataset.to_table(columns=columns)


def read_runs(results_dir: str | Path) -> pa.Table:
    """The run table of a sweep: one row per run key, even where a crash left a key twice
    (the ok row over a failed one, then the newest), so no run is ever counted twice."""
    table = read_dataset(Path(results_dir) / "runs")
    if table.num_rows == 0 or pc.count_distinct(table.column("run_key")).as_py() == table.num_rows:
        return table
    best: dict[str, tuple[int, int]] = {}  # key -> (rank, row)
    for row, (key, status) in enumerate(zip(table.column("run_key").to_pylist(), table.column("status").to_pylist())):
        rank = 1 if status == OK else 0
        if key not in best or rank >= best[key][0]:
            best[key] = (rank, row)
    return table.take(sorted(row for _, row in best.values()))


class DuplicateRun(ValueError):
    """A run key already stored was added again (a bug upstream: the store keeps one row per key)."""


class RunStore:
    """Appends finished runs to `DIR/runs/` (and `DIR/timeseries/`) in small atomic part files."""

    def __init__(self, out_dir: str | Path, schema: pa.Schema, *, flush_rows: int = 50, flush_seconds: float = 10.0):
        self.out = Path(out_dir)
        self.runs_dir = self.out / "runs"
        self.timeseries_dir = self.out / "timeseries"
        self.schema = schema
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self._rows: list[dict] = []
        self._series: list[pa.Table] = []
        self._last_flush = time.monotonic()
        self._lock_file = None
        self._keys: set[str] | None = None  # keys stored, read at the first `add`
        self.runs_dir.mkdir(parents=True, exist_ok=True)

    def lock(self) -> None:
        """Take the folder's exclusive lock, so no other sweep writes here; it ends with the process.

        Raises FolderInUse when another process holds it. The lock is what lets
        `repair` delete temporary files: none of them can belong to a live writer.
        """
        handle = open(self.out / ".lock", "a")  # noqa: SIM115 - held open for the life of the store
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise FolderInUse(f"{self.out}: another sweep is writing to this folder; wait for it or use another --out") from None
        except OSError:
            # A file system without locks (some network or FUSE mounts): go on unlocked, as before
            # locking existed; only two sweeps into one folder at once would then be unguarded.
            handle.close()
            return
        self._lock_file = handle

    def unlock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()  # closing the file releases the lock
            self._lock_file = None

    # ------------------------------------------------------------------ what is there

    def statuses(self) -> dict[str, str]:
        """run_key -> status of every stored run."""
        table = read_dataset(self.runs_dir, ["run_key", "status"])
        if table.num_rows == 0:
            return {}
        return dict(zip(table.column("run_key").to_pylist(), table.column("status").to_pylist()))

    def repair(self) -> int:
        """Make the dataset one row per key, drop orphan time series and a killed writer's
        temporary files; return the rows removed (temporary files hold no stored rows)."""
        for leftover in _temporaries(self.runs_dir) + _temporaries(self.timeseries_dir):
            leftover.unlink(missing_ok=True)
        best: dict[str, tuple[int, int, Path]] = {}  # key -> (rank, part order, part)
        seen: dict[Path, list[str]] = {}
        for order, part in enumerate(_parts(self.runs_dir)):
            table = pq.read_table(part, columns=["run_key", "status"])
            keys = table.column("run_key").to_pylist()
            seen[part] = keys
            for key, status in zip(keys, table.column("status").to_pylist()):
                rank = (1 if status == OK else 0, order)
                if key not in best or rank >= best[key][:2]:
                    best[key] = (*rank, part)
        removed = 0
        for part, keys in seen.items():
            # a row survives when its part is the chosen one for its key (first such row only)
            kept, mask = set(), []
            for key in keys:
                keep = best[key][2] == part and key not in kept
                kept.add(key)
                mask.append(keep)
            if not all(mask):
                removed += mask.count(False)
                self._rewrite(part, pa.array(mask))
        removed += self._drop_orphan_series(set(best))
        return removed

    def drop_failed(self) -> int:
        """Remove failed runs (before re-running them with --retry-failed); return how many."""
        removed = 0
        for part in _parts(self.runs_dir):
            status = pq.read_table(part, columns=["status"]).column("status")
            mask = pc.not_equal(status, FAILED)
            dropped = len(status) - pc.sum(mask.cast(pa.int64())).as_py()
            if dropped:
                removed += dropped
                self._rewrite(part, mask)
        return removed

    def _drop_orphan_series(self, keys: set[str]) -> int:
        removed = 0
        for part in _parts(self.timeseries_dir):
            column = pq.read_table(part, columns=["run_key"]).column("run_key").to_pylist()
            mask = [k in keys for k in column]
            if not all(mask):
                removed += mask.count(False)
                self._rewrite(part, pa.array(mask))
        return removed

    @staticmethod
    def _rewrite(part: Path, mask: pa.Array) -> None:
        """Replace `part` by its rows where mask is true (new part first, then the old one goes)."""
        table = pq.read_table(part).filter(mask)
        if table.num_rows:
            # A new name that sorts right after the old one keeps the part order (newest last).
            replacement = part.with_name(f"{part.stem}r{time.time_ns()}.parquet")
            atomic_write_table(replacement, table)
        part.unlink()

    # ------------------------------------------------------------------ adding

    def add(self, row: dict, timeseries: pa.Table | None = None, *, flush: bool = True) -> None:
        """Buffer one finished run (DuplicateRun when its key is stored already); flush when due
        (unless `flush` is false: the caller counts the run first, then calls `flush_if_due`)."""
        if self._keys is None:
            self._keys = set(self.statuses())
        if row["run_key"] in self._keys:
            raise DuplicateRun(f"{self.runs_dir}: run {row['run_key']} is stored already")
        self._keys.add(row["run_key"])
        self._rows.append(row)
        if timeseries is not None and timeseries.num_rows:
            self._series.append(timeseries)
        if flush:
            self.flush_if_due()

    def flush_if_due(self) -> None:
        """Write the buffered runs when there are `flush_rows` of them or `flush_seconds` have passed."""
        if len(self._rows) >= self.flush_rows or time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the buffered runs as one part file (their time series first)."""
        self._last_flush = time.monotonic()
        if not self._rows:
            return
        name = _part_name()
        if self._series:
            series = pa.concat_tables(self._series, promote_options="permissive")
            atomic_write_table(self.timeseries_dir / name, series)
        columns = {
            field.name: pa.array([row.get(field.name) for row in self._rows], field.type) for field in self.schema
        }
        atomic_write_table(self.runs_dir / name, pa.table(columns, schema=self.schema))
        self._rows, self._series = [], []
