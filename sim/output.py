"""Writing a run's results: summary.json and one Parquet table per kind of record.

Every file is written to a temporary name in the same folder and renamed, so a
crash or a kill never leaves a half-written result.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
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


def _json_safe(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def write_summary(path: Path, summary: dict) -> None:
    text = json.dumps({k: _json_safe(v) for k, v in summary.items()}, indent=2)
    atomic_write_bytes(path, (text + "\n").encode())


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


def write_run(out_dir: str | Path, model, summary: dict) -> None:
    """Write every result file of one run into `out_dir` (summary.json last)."""
    out = Path(out_dir)
    atomic_write_table(out / "timeseries.parquet", timeseries_table(model))
    atomic_write_table(out / "inquiries.parquet", inquiries_table(model))
    atomic_write_table(out / "decisions.parquet", decisions_table(model))
    atomic_write_table(out / "conflicts.parquet", conflicts_table(model))
    atomic_write_table(out / "orgchart.parquet", orgchart_table(model))
    atomic_write_table(out / "adaptations.parquet", adaptations_table(model))
    write_summary(out / "summary.json", summary)
