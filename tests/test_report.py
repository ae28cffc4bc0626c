"""`orgsim report`: figures (PNG and SVG), report.md and CSV tables from small sweeps."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from sim.batch.executors import ProcessPoolBackend
from sim.batch.experiment import load_experiment
from sim.batch.sweep import run_sweep
from sim.cli import main
from sim.report import loglog_fit, t_interval, write_report

SIZE_SWEEP = """
name = "small_sizes"
scenario = "baseline"
replications = 3
seed = 21
metrics = ["inquiries", "conversion_rate", "lost_price", "lost_product", "lost_slow", "lost_dealer", "converted",
           "open_at_end", "decision_time_mean_h", "revenue", "revenue_per_employee", "conflict_resolution_time_mean_h"]
[set]
horizon_days = 15
warmup_days = 0
[design]
kind = "grid"
[design.parameters]
"organization.employees" = [10, 20, 40]
"organization.structure" = ["hierarchy", "holacracy", "hybrid"]
"""

SENSITIVITY = """
name = "small_{kind}"
scenario = "baseline"
replications = 1
seed = 8
metrics = ["conversion_rate", "decision_time_mean_h", "revenue"]
[set]
horizon_days = 10
warmup_days = 0
"organization.employees" = 12
[design]
kind = "{kind}"
samples = {samples}
[design.parameters]
"market.price_premium" = [0.0, 0.4]
"work.quote_hours" = [0.5, 3.0]
"""


def _sweep(folder, text):
    path = folder / "experiment.toml"
    path.write_text(text)
    out = folder / "results"
    run_sweep(load_experiment(path), out, ProcessPoolBackend(2), progress=False, log=lambda message: None)
    return out


@pytest.fixture(scope="module")
def size_results(tmp_path_factory):
    out = _sweep(tmp_path_factory.mktemp("sizes"), SIZE_SWEEP)
    # Make one metric NaN in every run: the report must skip it, not fail.
    for part in (out / "runs").glob("part-*.parquet"):
        runs = pq.read_table(part)
        column = runs.schema.get_field_index("conflict_resolution_time_mean_h")
        runs = runs.set_column(column, "conflict_resolution_time_mean_h", pa.nulls(runs.num_rows, pa.float64()))
        pq.write_table(runs, part)
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 0, result.output
    return out / "report"


def test_figures_of_each_metric_against_size_in_png_and_svg(size_results):
    figures = size_results / "figures"
    for metric in ("decision_time_mean_h", "conversion_rate", "revenue_per_employee", "inquiries"):
        for ext in ("png", "svg"):
            path = figures / f"{metric}_vs_employees.{ext}"
            assert path.exists() and path.stat().st_size > 1000, path
    assert (figures / "overview_vs_employees.png").exists()
    assert (figures / "loss_reasons.png").exists() and (figures / "loss_reasons.svg").exists()
    assert (figures / "scaling_exponents.svg").exists()
    assert not (figures / "conflict_resolution_time_mean_h_vs_employees.png").exists()
    assert (figures / "decision_time_mean_h_vs_employees.png").read_bytes()[:4] == b"\x89PNG"


def test_report_md_ties_them_together(size_results):
    text = (size_results / "report.md").read_text()
    for fragment in ("# Sweep report: small_sizes", "figures/decision_time_mean_h_vs_employees.png",
                     "## Scaling exponents", "1.15", "## How inquiries end", "hierarchy", "holacracy", "hybrid",
                     "`conflict_resolution_time_mean_h` is NaN in every run"):
        assert fragment in text, fragment
    for link in [part.split("](")[1].split(")")[0] for part in text.split("![")[1:]]:
        assert (size_results / link).exists(), link


def test_csv_tables(size_results):
    by_size = pd.read_csv(size_results / "metrics_by_size.csv")
    assert set(by_size["structure"]) == {"hierarchy", "holacracy", "hybrid"}
    assert set(by_size["employees"]) == {10, 20, 40}
    assert (by_size["n"] == 3).all()
    row = by_size[(by_size["metric"] == "inquiries")].iloc[0]
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    scaling = pd.read_csv(size_results / "scaling_exponents.csv")
    assert {"structure", "metric", "beta", "ci_low", "ci_high", "r2", "n"} <= set(scaling.columns)
    assert {"revenue", "revenue_per_employee"} <= set(scaling["metric"])
    inquiries = scaling[scaling["metric"] == "inquiries"]
    assert (inquiries["beta"] > 0.5).all()  # inquiries grow with size (rate per employee)
    losses = pd.read_csv(size_results / "loss_reasons.csv")
    shares = losses[["converted", "lost_price", "lost_product", "lost_slow", "lost_dealer", "open_at_end"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    assert (size_results / "metrics_by_point.csv").exists()


@pytest.mark.parametrize(("kind", "samples", "columns"), [("morris", 3, {"mu_star", "sigma"}), ("sobol", 4, {"S1", "ST"})])
def test_sensitivity_indices(tmp_path, kind, samples, columns):
    out = _sweep(tmp_path, SENSITIVITY.format(kind=kind, samples=samples))
    report = write_report(out)
    indices = pd.read_csv(report.parent / "sensitivity.csv")
    assert columns <= set(indices.columns)
    assert set(indices["parameter"]) == {"market.price_premium", "work.quote_hours"}
    assert (report.parent / "figures" / f"sensitivity_{kind}.png").exists()
    assert "## Sensitivity" in report.read_text()


def test_report_on_a_missing_folder_is_one_line_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "no such results folder" in result.stderr


def test_t_interval_and_loglog_fit():
    mean, _, high, n = t_interval([1.0, 2.0, 3.0, float("nan")])
    assert n == 3 and mean == 2.0 and math.isclose(high - mean, 4.302652729911275 / math.sqrt(3), rel_tol=1e-9)
    x = np.array([10, 10, 100, 100, 1000, 1000], dtype=float)
    fit = loglog_fit(x, 3 * x**1.15 * np.array([1.01, 0.99, 1.01, 0.99, 1.01, 0.99]))
    assert math.isclose(fit["beta"], 1.15, abs_tol=1e-9) and fit["ci_low"] < 1.15 < fit["ci_high"]
    assert loglog_fit([10, 20], [0, 0])["n"] == 0


FACTOR_SWEEP = """
name = "sizes_by_authority"
scenario = "baseline"
replications = 2
seed = 5
metrics = ["conversion_rate", "decision_time_mean_h", "lost_dealer", "revenue"]
[set]
horizon_days = 15
warmup_days = 0
[design]
kind = "grid"
[design.parameters]
"organization.employees" = [20, 40]
"organization.structure" = ["hierarchy"]
"policies.pricing_authority" = ["top", "frontline"]
"dealers.policy" = ["direct"]
"""


@pytest.fixture(scope="module")
def factor_results(tmp_path_factory):
    return _sweep(tmp_path_factory.mktemp("factor"), FACTOR_SWEEP)


def test_a_factor_beside_size_gets_its_own_panels_not_a_pooled_band(factor_results):
    """Pooling top and front-line authority would put the spread between them into the interval."""
    report = write_report(factor_results)
    table = pd.read_csv(report.parent / "metrics_by_size.csv")
    times = table[(table["metric"] == "decision_time_mean_h") & (table["employees"] == 40)]
    assert set(times["level"]) == {"top", "frontline"}
    runs = pd.read_csv(report.parent / "metrics_by_point.csv")
    assert len(runs) == 4  # four design points, each with its own row
    top, frontline = (times[times["level"] == level]["mean"].iloc[0] for level in ("top", "frontline"))
    assert top > frontline  # decisions climb to the top under "top": the levels are told apart
    text = report.read_text()
    assert "separates the levels of `policies.pricing_authority`" in text
    assert "held fixed: every setting of" in text and "`horizon_days = 15`" in text
    # dealers.policy has one level: held fixed, nothing is pooled.
    assert "pooled over" not in text
    # lost_dealer is 0 in every run (dealers do not take inquiries under "direct"): no empty panel.
    assert not (report.parent / "figures" / "lost_dealer_vs_employees.png").exists()
    assert "`lost_dealer` is 0 in every run" in text


def test_report_by_names_the_factor_and_refuses_one_the_design_lacks(factor_results, tmp_path):
    result = CliRunner().invoke(main, ["report", str(factor_results), "--by", "dealers.policy", "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "a" / "metrics_by_size.csv")
    assert set(table["level"]) == {"direct"}
    result = CliRunner().invoke(main, ["report", str(factor_results), "--by", "market.price_premium"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "policies.pricing_authority" in result.output
