"""Sweeps: designs, common random numbers, backends, failures, resumption and bad experiment files.

The experiments here are tiny (companies of 10-40 people, a few weeks), so the
whole file runs in well under a minute on 2 cores.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import sweep_helpers
from click.testing import CliRunner

from sim.batch.designs import expected_points, make_design, replication_seeds
from sim.batch.executors import DaskBackend, ProcessPoolBackend
from sim.batch.experiment import ExperimentError, load_experiment
from sim.batch.store import read_dataset, read_runs
from sim.batch.sweep import run_sweep
from sim.cli import main
from sim.metrics import HEADLINE_METRICS

REPO = Path(__file__).resolve().parent.parent

TINY = sweep_helpers.SMALL.replace('name = "small"', 'name = "tiny"')  # the guard tests' experiment, named apart


def write_experiment(folder: Path, text: str | None = None, name: str = "exp.toml", *, replications=2, days=10,
                     sizes="[10, 20, 40]") -> Path:
    path = folder / name
    path.write_text(text if text is not None else TINY.format(replications=replications, days=days, sizes=sizes))
    return path


def table(out: Path) -> pd.DataFrame:
    """The run table, sorted by key, without the wall-clock column."""
    frame = read_runs(out).to_pandas().drop(columns=["elapsed_s"])
    return frame.sort_values("run_key").reset_index(drop=True)


def sweep(experiment: Path, out: Path, backend=None, **kwargs):
    return run_sweep(load_experiment(experiment), out, backend or ProcessPoolBackend(2), progress=False,
                     log=lambda message: None, **kwargs)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted sweep of the tiny experiment on two local processes."""
    folder = tmp_path_factory.mktemp("reference")
    experiment = write_experiment(folder)
    sweep(experiment, folder / "out")
    return experiment, table(folder / "out")


# --------------------------------------------------------------------------- designs and seeds


def test_grid_is_every_combination():
    design = make_design("grid", {"a": [1, 2, 3], "b": ["x", "y"]})
    assert len(design.points) == 6
    assert design.points[0] == {"a": 1, "b": "x"} and design.points[-1] == {"a": 3, "b": "y"}


@pytest.mark.parametrize(
    ("kind", "samples", "second_order"),
    [("lhs", 10, False), ("morris", 4, False), ("sobol", 8, False), ("sobol", 8, True)],
)
def test_sampled_designs_have_the_right_size_and_valid_values(kind, samples, second_order):
    parameters = {"organization.employees": [10, 500], "market.price_premium": [0.0, 0.4], "work.quote_hours": [0.5, 2.0]}
    design = make_design(kind, parameters, samples=samples, seed=3, integer_keys=frozenset({"organization.employees"}),
                         second_order=second_order)
    assert len(design.points) == expected_points(kind, 3, samples, second_order)
    assert design.matrix.shape == (len(design.points), 3)
    for point in design.points:
        assert isinstance(point["organization.employees"], int) and 10 <= point["organization.employees"] <= 500
        assert 0.0 <= point["market.price_premium"] <= 0.4
        assert 0.5 <= point["work.quote_hours"] <= 2.0
    # Same seed, same design.
    again = make_design(kind, parameters, samples=samples, seed=3, integer_keys=frozenset({"organization.employees"}),
                        second_order=second_order)
    assert again.points == design.points


def test_latin_hypercube_puts_one_sample_in_each_stratum():
    design = make_design("lhs", {"market.price_premium": [0.0, 1.0]}, samples=20, seed=1)
    strata = sorted(int(p["market.price_premium"] * 20) for p in design.points)
    assert strata == list(range(20))


def test_experiment_files_round_integer_keys_and_validate_points(tmp_path):
    text = """
name = "lhs"
scenario = "baseline"
replications = 3
seed = 5
[design]
kind = "lhs"
samples = 7
[design.parameters]
"organization.employees" = [10, 60]
"market.price_premium" = [0.0, 0.3]
"""
    experiment = load_experiment(write_experiment(tmp_path, text))
    assert len(experiment.scenarios) == 7 and experiment.n_runs == 21
    assert all(isinstance(s["organization"]["employees"], int) for s in experiment.scenarios)


def test_replication_k_gets_the_same_seed_at_every_point(reference):
    _, runs = reference
    assert set(runs["status"]) == {"ok"}
    seeds = replication_seeds(11, 2)
    for replication, group in runs.groupby("replication"):
        assert set(group["seed"]) == {seeds[replication]}
    assert len(set(seeds)) == 2
    # Common random numbers: the market is the same under both structures.
    inquiries = runs.pivot_table(index=["organization.employees", "replication"], columns="structure", values="inquiries")
    assert (inquiries["hierarchy"] == inquiries["holacracy"]).all()


def test_run_table_has_one_row_per_run_with_every_metric(reference):
    _, runs = reference
    assert len(runs) == 3 * 2 * 2 and runs["run_key"].is_unique
    for column in ("run_key", "status", "replication", "seed", "organization.employees", "organization.structure",
                   "error", *HEADLINE_METRICS):
        assert column in runs
    assert runs["error"].isna().all()


# --------------------------------------------------------------------------- backends


def test_dask_cluster_one_worker_and_two_workers_give_the_same_dataset(reference, tmp_path):
    from distributed import LocalCluster

    experiment, expected = reference
    sweep(experiment, tmp_path / "one", ProcessPoolBackend(1))
    pd.testing.assert_frame_equal(table(tmp_path / "one"), expected)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        sweep(experiment, tmp_path / "dask", DaskBackend(address=cluster.scheduler_address))
    pd.testing.assert_frame_equal(table(tmp_path / "dask"), expected)


class _KillOneWorker(DaskBackend):
    """Kills a Dask worker process (SIGKILL) after the first few results arrive."""

    def __init__(self, address, pid):
        super().__init__(address=address)
        self.pid = pid

    def map_unordered(self, fn, tasks):
        for i, item in enumerate(super().map_unordered(fn, tasks)):
            if i == 3:
                os.kill(self.pid, signal.SIGKILL)
            yield item


def test_a_dask_worker_killed_mid_sweep_loses_no_runs(tmp_path):
    from distributed import Client, LocalCluster

    experiment = write_experiment(tmp_path, replications=3, days=20, sizes="[30, 60]")
    sweep(experiment, tmp_path / "reference")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            pid = next(iter(client.run(os.getpid).values()))
        sweep(experiment, tmp_path / "dask", _KillOneWorker(cluster.scheduler_address, pid))
    got = table(tmp_path / "dask")
    assert set(got["status"]) == {"ok"}
    pd.testing.assert_frame_equal(got, table(tmp_path / "reference"))


# --------------------------------------------------------------------------- failures and resumption


def test_a_failing_run_is_recorded_and_the_others_complete(tmp_path):
    experiment = write_experiment(tmp_path)
    result = sweep(experiment, tmp_path / "out", runner=sweep_helpers.execute_failing_at_20)
    runs = table(tmp_path / "out")
    failed = runs[runs["status"] == "failed"]
    assert result.failed == len(failed) == 4  # 20 employees x 2 structures x 2 replications
    assert set(failed["organization.employees"]) == {20}
    assert failed["error"].str.contains("ValidationError").all()
    assert failed["decision_time_mean_h"].isna().all()
    ok = runs[runs["status"] == "ok"]
    assert len(ok) == 8 and ok["error"].isna().all() and ok["inquiries"].notna().all()


def test_retry_failed_supersedes_the_failed_rows(reference, tmp_path):
    experiment, expected = reference
    flag = tmp_path / "fail"
    flag.touch()
    out = tmp_path / "out"
    sweep(experiment, out, runner=functools.partial(sweep_helpers.execute_failing_while_flag, str(flag)))
    assert (table(out)["status"] == "failed").sum() == 4
    flag.unlink()
    again = sweep(experiment, out)  # without --retry-failed: nothing to run
    assert again.ran == 0 and (table(out)["status"] == "failed").sum() == 4
    retried = sweep(experiment, out, retry_failed=True)
    assert retried.ran == 4 and retried.failed == 0
    pd.testing.assert_frame_equal(table(out), expected)  # one row per key, the new rows


def test_duplicate_rows_left_by_a_crash_are_repaired(reference, tmp_path):
    experiment, expected = reference
    out = tmp_path / "out"
    sweep(experiment, out)
    part = next((out / "runs").glob("part-*.parquet"))
    shutil.copy(part, part.with_name(part.stem + "x.parquet"))  # as if a rewrite was cut short
    assert len(read_dataset(out / "runs")) > len(expected)
    assert len(read_runs(out)) == len(expected)  # a reader never counts a run twice
    assert sweep(experiment, out).ran == 0
    pd.testing.assert_frame_equal(table(out), expected)


def test_temporary_files_of_a_killed_writer_are_deleted_on_resume(reference, tmp_path):
    experiment, expected = reference
    out = tmp_path / "out"
    sweep(experiment, out)
    for folder in ("runs", "timeseries"):
        (out / folder).mkdir(exist_ok=True)
        (out / folder / ".part-00000000000000000001-1.parquet.abc123.tmp").write_bytes(b"PAR1 cut short")
    assert sweep(experiment, out).ran == 0
    assert not list(out.glob("*/.part-*.tmp"))
    pd.testing.assert_frame_equal(table(out), expected)


def test_a_second_sweep_into_a_folder_in_use_is_refused_in_one_line(tmp_path):
    import fcntl

    experiment = write_experiment(tmp_path)
    out = tmp_path / "busy"
    out.mkdir()
    with open(out / ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running sweep holds it
        result = CliRunner().invoke(main, ["sweep", str(experiment), "--out", str(out), "--no-progress"])
    assert result.exit_code == 2
    error = result.output.strip().splitlines()[-1]  # after the line announcing the sweep
    assert error.startswith("orgsim: ") and "another sweep is writing to this folder" in error and str(out) in error
    assert not (out / "runs").exists() or not list((out / "runs").iterdir())  # nothing written


def test_a_file_system_without_locks_still_sweeps(reference, tmp_path, monkeypatch):
    import errno
    import fcntl

    def unsupported(*_):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", unsupported)
    experiment, expected = reference
    sweep(experiment, tmp_path / "out")
    pd.testing.assert_frame_equal(table(tmp_path / "out"), expected)


def test_a_sweep_killed_part_way_resumes_to_the_same_dataset(tmp_path):
    experiment = write_experiment(tmp_path, replications=4, days=25, sizes="[80, 120, 160]")
    total = 3 * 2 * 4
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "sim", "sweep", str(experiment), "--out", str(out), "--workers", "2",
               "--batch", "2", "--no-progress"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "runs").glob("part-*.parquet"))) < 2:
            assert process.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the sweep and its pool workers
        process.wait()
    stored = len(read_runs(out))
    assert 0 < stored < total
    resumed = subprocess.run([*command[:-1], "--batch", "50"], check=False, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{stored} already stored" in resumed.stderr
    sweep(experiment, tmp_path / "whole")
    got = table(out)
    assert got["run_key"].is_unique and len(got) == total
    pd.testing.assert_frame_equal(got, table(tmp_path / "whole"))
    assert not list((out / "runs").glob(".*"))  # no temporary files left behind


def test_parts_are_small_files_written_as_runs_finish(reference, tmp_path):
    experiment, _ = reference
    sweep(experiment, tmp_path / "out", flush_rows=3)
    parts = sorted((tmp_path / "out" / "runs").glob("part-*.parquet"))
    assert len(parts) == 4 and all(pq.read_metadata(p).num_rows == 3 for p in parts)


def test_manifest_and_timeseries(tmp_path):
    import json

    text = TINY.format(replications=1, days=5, sizes="[10]").replace('seed = 11', 'seed = 11\ntimeseries = true')
    out = tmp_path / "out"
    sweep(write_experiment(tmp_path, text), out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root_seed"] == 11 and manifest["status"] == "complete"
    assert manifest["experiment"]["content"]["name"] == "tiny"
    assert manifest["packages"]["mesa"] and manifest["host"] and manifest["started"] and manifest["ended"]
    assert "code_version" in manifest
    series = read_runs(out)  # runs
    daily = pq.ParquetDataset(out / "timeseries").read().to_pandas()
    assert set(daily["run_key"]) == set(series.column("run_key").to_pylist())
    assert len(daily) == 2 * 5


# --------------------------------------------------------------------------- bad experiment files

GOOD = TINY.format(replications=2, days=10, sizes="[10, 20]")
BAD_EXPERIMENTS = {
    "unknown top-level key": (GOOD.replace("replications = 2", "replications = 2\nreplicates = 3"), ["replicates", "allowed here"]),
    "wrong type": (GOOD.replace("replications = 2", 'replications = "many"'), ["replications", "integer"]),
    "bad design kind": (GOOD.replace('kind = "grid"', 'kind = "factorial"'), ["design.kind", "grid", "sobol"]),
    "unknown dotted key": (GOOD.replace('"organization.employees"', '"organization.employes"'), ["organization.employes", "employees"]),
    "unknown key in set": (GOOD.replace("horizon_days = 10", "horizon = 10"), ["set", "horizon", "horizon_days"]),
    "invalid design value": (GOOD.replace("[10, 20]", "[10, 3]"), ["organization.employees", "design point", "greater than or equal to 8"]),
    "lhs without samples": (GOOD.replace('kind = "grid"', 'kind = "lhs"').replace('"organization.structure" = ["hierarchy", "holacracy"]', ""), ["design", "samples"]),
    "lhs with a list": (GOOD.replace('kind = "grid"', 'kind = "lhs"\nsamples = 4'), ["organization.structure", "[low, high]"]),
    "unknown metric": (GOOD.replace("seed = 11", 'seed = 11\nmetrics = ["speed"]'), ["metrics", "speed"]),
    "missing scenario": (GOOD.replace('scenario = "baseline"', 'scenario = "nowhere.toml"'), ["scenario", "nowhere.toml"]),
    "not TOML": ("name = ", ["not valid TOML"]),
    "missing key": (GOOD.replace("replications = 2\n", ""), ["replications", "missing"]),
}


@pytest.mark.parametrize("case", list(BAD_EXPERIMENTS))
def test_a_bad_experiment_file_is_one_line_and_exit_2(case, tmp_path):
    text, fragments = BAD_EXPERIMENTS[case]
    path = write_experiment(tmp_path, text)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sweep", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and "Traceback" not in lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not out.exists()  # nothing runs before every design point is valid


def test_experiment_errors_are_scenario_errors(tmp_path):
    with pytest.raises(ExperimentError):
        load_experiment(write_experiment(tmp_path, BAD_EXPERIMENTS["bad design kind"][0]))


@pytest.mark.parametrize("name", ["size_sweep", "size_sweep_rigid", "size_sweep_full", "yy_countermeasures", "morris_screening"])
def test_bundled_experiments_load(name):
    experiment = load_experiment(REPO / "experiments" / f"{name}.toml")
    assert experiment.n_runs > 0
    if name.startswith("size_sweep"):
        sizes = {s["organization"]["employees"] for s in experiment.scenarios}
        structures = {s["organization"]["structure"] for s in experiment.scenarios}
        assert min(sizes) == 10 and max(sizes) >= 5000 and structures == {"hierarchy", "holacracy", "hybrid"}
        # The laptop flagship cuts replications before sizes (make run under 10 minutes on 2 cores: 3 for the
        # adapting sweep, 2 for its rigid companion); the cluster version keeps many.
        assert experiment.spec.replications >= {"size_sweep_full": 20, "size_sweep": 3}.get(name, 2)
        assert all(s["warmup_days"] >= 280 for s in experiment.scenarios)
    if name == "yy_countermeasures":
        assert len(experiment.scenarios) == 32
