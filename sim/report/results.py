"""Reading a sweep's results folder: its runs, manifest and design."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.batch.store import read_runs


class ReportError(ValueError):
    """The results folder cannot be reported on; the message is one user-facing line."""


def load_results(results_dir: str | Path) -> tuple[pd.DataFrame, dict, pd.DataFrame | None]:
    """(run table, manifest, design table) of a sweep folder; ReportError when there is none."""
    results = Path(results_dir)
    if not results.is_dir():
        raise ReportError(f"{results}: no such results folder (run `orgsim sweep EXPERIMENT --out {results}` first)")
    manifest_path = results / "manifest.json"
    if not manifest_path.exists():
        raise ReportError(f"{results}: no manifest.json here; is this the --out folder of `orgsim sweep`?")
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError as error:
        raise ReportError(f"{manifest_path}: not valid JSON ({error})") from None
    runs = read_runs(results).to_pandas()
    if runs.empty:
        raise ReportError(f"{results}/runs: no runs stored yet")
    design_path = results / "design.parquet"
    design = pd.read_parquet(design_path) if design_path.exists() else None
    return runs, manifest, design
