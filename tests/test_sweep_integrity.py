"""Sweeps a researcher can trust: one experiment per folder (or an explicit version), one row per
resolved scenario, guarded sizes, time and memory, and a quiet terminal (issue 14, parts 1, 2, 5).

The experiments are tiny (companies of 10-20 people, ten days): the file runs in seconds.
"""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import replace
from threading import Thread

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner
import sweep_helpers
from sweep_helpers import SMALL, small_experiment

from sim.batch import worker
from sim.batch.executors import ProcessPoolBackend
from sim.batch.experiment import ExperimentError, load_experiment
from sim.batch.store import DuplicateRun, RunStore, read_runs, run_schema
from sim.batch.sweep import plan, run_sweep
from sim.batch.versions import experiment_hash, report_folder
from sim.batch.worker import Task, execute
from sim.cli import main
from sim.metrics import NUMERIC_METRICS


def cli(*args: str):
    return CliRunner().invoke(main, ["sweep", *args, "--no-progress", "--workers", "1"])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("orgsim: ") and "Traceback" not in result.stderr
    return line


# --------------------------------------------------------------------------- one experiment per folder


def test_a_changed_experiment_in_a_used_folder_is_refused_in_one_line(tmp_path):
    out = tmp_path / "out"
    assert cli(str(small_experiment(tmp_path, days=10)), "--out", str(out)).exit_code == 0
    before = read_runs(out).num_rows
    changed = small_experiment(tmp_path, days=12)
    line = one_error_line(cli(str(changed), "--out", str(out)))
    assert str(out) in line and "different experiment" in line and "--new-version" in line
    assert read_runs(out).num_rows == before  # nothing mixed in


def test_new_version_goes_beside_and_the_report_reads_one_version(tmp_path):
    out = tmp_path / "out"
    assert cli(str(small_experiment(tmp_path, days=10)), "--out", str(out)).exit_code == 0
    changed = str(small_experiment(tmp_path, days=12))
    assert cli(changed, "--out", str(out), "--new-version").exit_code == 0
    again = cli(changed, "--out", str(out), "--new-version")  # the same command resumes v2
    assert again.exit_code == 0 and "0 runs" in again.stderr and "4 already stored" in again.stderr
    assert not (out / "v3").exists()
    manifest = json.loads((out / "v2" / "manifest.json").read_text())
    assert manifest["version"] == 2 and manifest["experiment_hash"] == experiment_hash(load_experiment(changed))
    assert set(read_runs(out / "v2").column("horizon_days").to_pylist()) == {12}
    assert set(read_runs(out).column("horizon_days").to_pylist()) == {10}
    assert report_folder(out) == out / "v2" and report_folder(out, 1) == out
    with pytest.raises(LookupError, match="no version 3"):
        report_folder(out, 3)
    missing = CliRunner().invoke(main, ["report", str(out), "--version", "3"])
    assert "no version 3" in one_error_line(missing)


def test_the_experiment_hash_is_of_the_resolved_experiment_not_the_file(tmp_path):
    plain = load_experiment(small_experiment(tmp_path, name="a.toml"))
    text = SMALL.format(replications=1, days=10, sizes="[10, 20]")
    rewritten = text.replace("seed = 11", "# the same experiment, written differently\nseed   =   11")
    rewritten = rewritten.replace("horizon_days = 10", '"horizon_days" = 10.0').replace('name = "small"', 'name = "small"\ndescription = "x"')
    same = load_experiment(small_experiment(tmp_path, name="b.toml", text=rewritten))
    assert experiment_hash(same) == experiment_hash(plain)
    other = load_experiment(small_experiment(tmp_path, name="c.toml", replications=2))
    assert experiment_hash(other) != experiment_hash(plain)


# --------------------------------------------------------------------------- one row per resolved scenario


@pytest.mark.parametrize(("sizes", "kind"), [("[20, 20.0]", "grid"), ("[10, 11]", "lhs")])
def test_design_points_that_resolve_alike_are_refused_or_run_once(tmp_path, sizes, kind):
    text = SMALL.format(replications=2, days=10, sizes=sizes)
    if kind == "lhs":  # integer keys are rounded: 8 samples of [10, 11] give few distinct companies
        text = text.replace('kind = "grid"', 'kind = "lhs"\nsamples = 8').replace('"organization.structure" = ["hierarchy", "holacracy"]', "")
    path = small_experiment(tmp_path, text=text)
    with pytest.raises(ExperimentError, match="same scenario after validation and rounding.*--dedupe"):
        load_experiment(path)
    assert "--dedupe" in one_error_line(cli(str(path), "--out", str(tmp_path / "refused")))
    assert not (tmp_path / "refused").exists()
    experiment = load_experiment(path, dedupe=True)
    keys = [key for key, _, _ in plan(experiment)]
    assert len(keys) == len(set(keys)) == 2 * len({json.dumps(s, sort_keys=True) for s in experiment.scenarios})
    out = tmp_path / "out"
    result = run_sweep(experiment, out, ProcessPoolBackend(1), progress=False, log=lambda _: None)
    runs = read_runs(out).to_pandas()
    assert result.ran == len(runs) == len(keys) and runs["run_key"].is_unique
    assert json.loads((out / "manifest.json").read_text())["runs_total"] == len(keys)


def test_the_store_refuses_a_key_already_stored(tmp_path):
    schema = run_schema([], {}, ())
    store = RunStore(tmp_path, schema, flush_rows=1)
    store.add({"run_key": "k1", "status": "ok"})
    with pytest.raises(DuplicateRun):
        store.add({"run_key": "k1", "status": "ok"})
    reopened = RunStore(tmp_path, schema)
    with pytest.raises(DuplicateRun):
        reopened.add({"run_key": "k1", "status": "failed"})
    assert read_runs(tmp_path).num_rows == 1


# --------------------------------------------------------------------------- resource guards


@pytest.mark.parametrize(
    ("design", "runs"),
    [
        ('kind = "grid"\n[design.parameters]\n' + "\n".join(f'"market.{k}" = {[round(i / 19, 3) for i in range(20)]}' for k in
                                                           ("price_premium", "lead_rate_per_day", "channel_conflict", "x4", "x5")), 3_200_000),
        ('kind = "sobol"\nsamples = 1000000\n[design.parameters]\n"market.price_premium" = [0.0, 0.4]', 3_000_000),
    ],
)
def test_a_design_over_max_runs_is_refused_before_it_is_built(tmp_path, design, runs):
    text = 'name = "huge"\nscenario = "baseline"\nreplications = 1\nseed = 1\n[design]\n' + design
    path = small_experiment(tmp_path, text=text)
    started = time.monotonic()
    line = one_error_line(cli(str(path), "--out", str(tmp_path / "out")))
    assert time.monotonic() - started < 10  # counted from the spec, not built and validated
    assert f"{runs:,} runs" in line and "--max-runs" in line and str(path) in line
    assert "--max-runs 4" in one_error_line(cli(str(small_experiment(tmp_path, name="s.toml")), "--max-runs", "2"))


def _task(tmp_path, **limits) -> Task:
    experiment = load_experiment(small_experiment(tmp_path, days=40, sizes="[40]"))
    return Task(key="k", point=0, replication=0, seed=1, scenario={**experiment.scenarios[0], "seed": 1},
                metrics=("inquiries",), **limits)


def test_the_time_limit_holds_on_a_thread_no_timer_reaches_and_its_spans_change_nothing(tmp_path):
    # A Dask worker runs tasks on a thread, where run_limits' SIGALRM timer cannot interrupt the run.
    results = {}
    limited = Thread(target=lambda: results.update(slow=execute(_task(tmp_path, timeout_s=1e-6))))
    limited.start()
    limited.join(timeout=120)
    assert results["slow"]["status"] == "failed" and "RunTimeout" in results["slow"]["error"]
    whole = execute(replace(_task(tmp_path), metrics=NUMERIC_METRICS))
    in_spans = execute(replace(_task(tmp_path, timeout_s=600), metrics=NUMERIC_METRICS))
    assert whole["status"] == in_spans["status"] == "ok" and whole["metrics"]["inquiries"] > 0
    assert json.dumps(in_spans["metrics"]) == json.dumps(whole["metrics"])  # NaN included


def test_a_run_over_its_time_or_memory_limit_fails_with_the_reason(tmp_path):
    slow = execute(_task(tmp_path, timeout_s=0.001))
    assert slow["status"] == "failed" and "RunTimeout" in slow["error"] and "--run-timeout" in slow["error"]
    assert execute(_task(tmp_path, timeout_s=600))["status"] == "ok"
    experiment = small_experiment(tmp_path, name="m.toml", days=40, sizes="[40]")
    out = tmp_path / "out"
    result = run_sweep(load_experiment(experiment), out, ProcessPoolBackend(1), run_memory=1024, progress=False,
                       log=lambda _: None, runner=sweep_helpers.execute_hungry)
    runs = read_runs(out).to_pandas()
    assert result.failed == len(runs) == 2 and result.lost == 0
    assert runs["error"].str.contains("MemoryError").all() and runs["error"].str.contains("--run-memory").all()


# --------------------------------------------------------------------------- a quiet terminal, a safe name


def test_salib_and_numpy_warnings_stay_out_of_the_terminal(tmp_path, monkeypatch):
    text = SMALL.format(replications=1, days=10, sizes="[10, 40]").replace('kind = "grid"', 'kind = "morris"\nsamples = 2\nlevels = 3')
    text = text.replace('"organization.structure" = ["hierarchy", "holacracy"]', '"market.price_premium" = [0.0, 0.3]')
    monkeypatch.setattr(worker, "_freeze_imports", lambda: np.mean(np.array([])))  # numpy: "Mean of empty slice"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_experiment(small_experiment(tmp_path, text=text), dedupe=True)  # SALib: "num_levels should be an even number"
        assert execute(_task(tmp_path))["status"] == "ok"
    assert not caught, [str(w.message) for w in caught]


@pytest.mark.parametrize("name", ["..", "."])
def test_a_name_that_is_not_a_folder_name_is_refused(tmp_path, name):
    path = small_experiment(tmp_path, text=SMALL.format(replications=1, days=10, sizes="[10]").replace('"small"', f'"{name}"'))
    line = one_error_line(cli(str(path)))
    assert "name" in line and str(path) in line


def test_a_pyarrow_table_of_duplicate_rows_reads_once(tmp_path):
    (tmp_path / "runs").mkdir()
    import pyarrow.parquet as pq

    for i, status in enumerate(["failed", "ok", "failed"]):
        pq.write_table(pa.table({"run_key": ["k", f"o{i}"], "status": [status, "ok"]}), tmp_path / "runs" / f"part-{i}.parquet")
    runs = read_runs(tmp_path).to_pydict()
    assert sorted(runs["run_key"]) == ["k", "o0", "o1", "o2"] and runs["status"][runs["run_key"].index("k")] == "ok"


def test_a_folder_from_before_experiment_hashes_is_resumed_only_by_its_own_experiment(tmp_path):
    out = tmp_path / "out"
    experiment = str(small_experiment(tmp_path, days=10))
    assert cli(experiment, "--out", str(out)).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["experiment_hash"]  # as an older orgsim wrote it
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert "different experiment" in one_error_line(cli(str(small_experiment(tmp_path, name="b.toml", days=12)), "--out", str(out)))
    again = cli(experiment, "--out", str(out))
    assert again.exit_code == 0 and "4 already stored" in again.stderr
    assert "experiment_hash" in json.loads((out / "manifest.json").read_text())


def test_a_deduplicated_morris_design_still_gets_its_sensitivity_indices(tmp_path):
    from sim.report.results import load_results
    from sim.report.sensitivity import sensitivity

    text = SMALL.format(replications=1, days=10, sizes="[10, 12]").replace('kind = "grid"', 'kind = "morris"\nsamples = 4')
    text = text.replace('"organization.structure" = ["hierarchy", "holacracy"]', '"market.price_premium" = [0.0, 0.3]')
    experiment = load_experiment(small_experiment(tmp_path, text=text), dedupe=True)
    assert experiment.repeats  # employees rounds to 10, 11 or 12 on 4 levels: trajectories meet
    out = tmp_path / "out"
    run_sweep(experiment, out, ProcessPoolBackend(1), progress=False, log=lambda _: None)
    runs, manifest, design = load_results(out)
    indices, notes = sensitivity(runs[runs["status"] == "ok"], manifest, design, ["inquiries", "converted"])
    assert not [n for n in notes if "no finite value" in n], notes


def test_an_infinite_bound_is_refused_in_one_line(tmp_path):
    path = tmp_path / "lhs.toml"
    path.write_text('name = "lhs_inf"\nscenario = "baseline"\nreplications = 1\nseed = 1\n[design]\nkind = "lhs"\n'
                    'samples = 4\n[design.parameters]\n"market.price_premium" = [0.1, inf]\n')
    line = one_error_line(cli(str(path)))
    assert "market.price_premium" in line and "finite" in line and str(path) in line
