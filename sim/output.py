"""Writing a run's results: summary.json and one Parquet table per kind of record.

Every file is written to a temporary name in the same folder and renamed, so a
crash or a kill never leaves a half-written result; files get the mode the
user's umask gives (0644 under umask 022), as any program's files do.
`orgsim run --out` goes further (`sim.run_folder`): the whole folder is
written aside and renamed into place.
"""

from __future__ import annotations

import functools
import json
import math
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


class NonFiniteResult(ValueError):
    """A result holds inf where a number belongs (JSON has no Infinity); the message is one line."""


@functools.cache
def file_mode() -> int:
    """The mode a new file gets under the process's umask (0o644 under 022)."""
    umask = None
    try:  # Linux shows it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                umask = int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    if umask is None:  # elsewhere: read by setting and restoring it
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, file_mode())  # mkstemp makes 0600: collaborators must read results too
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_table(path: Path, table: pa.Table) -> None:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    atomic_write_bytes(path, sink.getvalue().to_pybytes())


def _json_safe(key: str, value):
    """NaN (a metric with nothing to measure) becomes null; inf is refused: it means a value overflowed."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        raise NonFiniteResult(f"summary value '{key}' is {value} (a sum overflowed): summary.json is not written")
    if isinstance(value, dict):
        return {k: _json_safe(f"{key}.{k}", v) for k, v in value.items()}
    return value


def summary_text(summary: dict, provenance: dict | None = None) -> str:
    """summary.json's text: the metrics, then where they came from (if given); NonFiniteResult on inf."""
    data = {k: _json_safe(k, v) for k, v in summary.items()}
    if provenance is not None:
        data["provenance"] = _json_safe("provenance", provenance)
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def write_summary(path: Path, summary: dict, provenance: dict | None = None) -> None:
    atomic_write_bytes(path, summary_text(summary, provenance).encode())


def inquiries_table(model) -> pa.Table:
    rows = model.inquiries
    return pa.table(
        {
            "id": pa.array([i.id for i in rows], pa.int64()),
            "arrived_h": pa.array([i.arrived_h for i in rows], pa.float64()),
            "region": pa.array([i.region for i in rows], pa.int32()),
            "need": pa.array(["customized" if i.customized else "standard" for i in rows], pa.string()),
            "wtp": pa.array([i.wtp for i in rows], pa.float64()),
            "order_value": pa.array([i.order_value for i in rows], pa.float64()),
            "staff_id": pa.array([i.staff_id for i in rows], pa.int64()),
            "needs_discount": pa.array([i.needs_discount for i in rows], pa.bool_()),
            "answered_h": pa.array([i.answered_h for i in rows], pa.float64()),
            "closed_h": pa.array([i.closed_h for i in rows], pa.float64()),
            "walked_away": pa.array([i.walked_away for i in rows], pa.bool_()),
            "response_time_h": pa.array(
                [None if i.answered_h is None else i.answered_h - i.arrived_h for i in rows], pa.float64()
            ),
            "outcome": pa.array([i.outcome for i in rows], pa.string()),
            "revenue": pa.array([i.revenue for i in rows], pa.float64()),
            "profit": pa.array([i.profit for i in rows], pa.float64()),
        }
    )


def decisions_table(model) -> pa.Table:
    rows = model.decisions
    return pa.table(
        {
            "id": pa.array([d.id for d in rows], pa.int64()),
            "kind": pa.array([d.kind for d in rows], pa.string()),
            "requester_id": pa.array([d.requester.unique_id for d in rows], pa.int64()),
            "inquiry_id": pa.array([None if d.inquiry is None else d.inquiry.id for d in rows], pa.int64()),
            "good": pa.array([d.good for d in rows], pa.bool_()),
            "created_h": pa.array([d.created_h for d in rows], pa.float64()),
            "decided_h": pa.array([d.decided_h for d in rows], pa.float64()),
            "deciders": pa.array([list(d.deciders) for d in rows], pa.list_(pa.int64())),
            "via_meeting": pa.array([d.via_meeting for d in rows], pa.bool_()),
            "outcome": pa.array([d.outcome for d in rows], pa.string()),
        }
    )


def conflicts_table(model) -> pa.Table:
    rows = model.conflicts
    return pa.table(
        {
            "id": pa.array([c.id for c in rows], pa.int64()),
            "kind": pa.array([c.kind for c in rows], pa.string()),
            "unit_a": pa.array([c.unit_a for c in rows], pa.string()),
            "unit_b": pa.array([c.unit_b for c in rows], pa.string()),
            "opened_h": pa.array([c.opened_h for c in rows], pa.float64()),
            "resolved_h": pa.array([c.resolved_h for c in rows], pa.float64()),
            "resolver_id": pa.array([c.resolver_id for c in rows], pa.int64()),
        }
    )


def orgchart_table(model) -> pa.Table:
    rows = model.employees
    return pa.table(
        {
            "employee_id": pa.array([e.unique_id for e in rows], pa.int64()),
            "unit": pa.array([e.unit for e in rows], pa.string()),
            "level": pa.array([e.level for e in rows], pa.int32()),
            "manager_id": pa.array([None if e.manager is None else e.manager.unique_id for e in rows], pa.int64()),
            "circle": pa.array([None if e.circle is None else e.circle.name for e in rows], pa.string()),
            "roles": pa.array([list(e.roles) for e in rows], pa.list_(pa.string())),
            "deputy_of": pa.array([None if e.principal is None else e.principal.unique_id for e in rows], pa.int64()),
            "skill": pa.array([e.skill for e in rows], pa.float64()),
        }
    )


def adaptations_table(model) -> pa.Table:
    """One row per adaptation the organization made (sim.adaptation)."""
    rows = model.adaptation.events
    return pa.table(
        {
            "time_h": pa.array([e.time_h for e in rows], pa.float64()),
            "kind": pa.array([e.kind for e in rows], pa.string()),
            "employee_id": pa.array([e.employee_id for e in rows], pa.int64()),
            "unit": pa.array([e.unit for e in rows], pa.string()),
            "where": pa.array([e.detail for e in rows], pa.string()),
        }
    )


def timeseries_table(model) -> pa.Table:
    frame = model.datacollector.get_model_vars_dataframe()
    return pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)


def write_run(out_dir: str | Path, model, summary: dict, provenance: dict | None = None) -> None:
    """Write every result file of one run into `out_dir` (summary.json last, with `provenance` if given)."""
    out = Path(out_dir)
    summary_text(summary, provenance)  # refuse a non-finite result before any file is written
    atomic_write_table(out / "timeseries.parquet", timeseries_table(model))
    atomic_write_table(out / "inquiries.parquet", inquiries_table(model))
    atomic_write_table(out / "decisions.parquet", decisions_table(model))
    atomic_write_table(out / "conflicts.parquet", conflicts_table(model))
    atomic_write_table(out / "orgchart.parquet", orgchart_table(model))
    atomic_write_table(out / "adaptations.parquet", adaptations_table(model))
    write_summary(out / "summary.json", summary, provenance)
