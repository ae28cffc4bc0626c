"""`orgsim run --out`: results that carry their provenance, land whole or not at all, and a run that fits.

Issue 14, parts 5 (the run side), 6 and 7: the resolved scenario.toml reproduces
summary.json byte for byte; files follow the umask; an existing folder is
refused unless --force; a failed or killed write leaves the folder as it was;
summary.json never holds Infinity; a run that would flood memory is refused
before it starts.
"""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from sim.output import NonFiniteResult, atomic_write_bytes, file_mode, summary_text
from sim.run_folder import NotWritten, write_results
from sim.run_guard import EVENT_LIMIT, expected_events, run_with_progress
from sim.scenario import ScenarioError, load_scenario
from sim.settings_schema import finite_number
from tests.test_bad_input import REPO, assert_bad_input, orgsim

SHORT = ("--set", "horizon_days=30", "--set", "warmup_days=5")


def run_with_umask(umask: int, *args) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True, cwd=REPO,
                          timeout=120, preexec_fn=lambda: os.umask(umask))  # fmt: skip


def test_the_resolved_scenario_reproduces_summary_json(tmp_path: Path):
    first, second, plain = tmp_path / "D", tmp_path / "E", tmp_path / "F"
    result = run_with_umask(0o022, "run", "baseline", "--set", "policies.pricing_authority=frontline", *SHORT, "--out", first)
    assert result.returncode == 0, result.stderr
    result = run_with_umask(0o022, "run", first / "scenario.toml", "--out", second)
    assert result.returncode == 0, result.stderr
    assert (first / "summary.json").read_bytes() == (second / "summary.json").read_bytes()
    assert (first / "scenario.toml").read_bytes() == (second / "scenario.toml").read_bytes()
    # every value is written out, the seed too, and the overrides are kept beside them
    resolved = tomllib.loads((first / "scenario.toml").read_text())
    assert resolved["seed"] == 1 and resolved["policies"]["pricing_authority"] == "frontline"
    assert resolved["horizon_days"] == 30 and "unit_shares" in resolved["organization"]
    overrides = tomllib.loads((first / "overrides.toml").read_text())
    assert overrides == {"scenario": "baseline",
                         "set": ["policies.pricing_authority=frontline", "horizon_days=30", "warmup_days=5"]}
    # a run without the override is told apart by its summary alone
    assert orgsim("run", "baseline", *SHORT, "--out", plain).returncode == 0
    summaries = [json.loads((folder / "summary.json").read_text()) for folder in (first, plain)]
    assert summaries[0]["provenance"]["scenario_sha256"] != summaries[1]["provenance"]["scenario_sha256"]
    # files follow the umask: readable by collaborators (mkstemp's 0600 before)
    for path in [first, *first.iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_atomic_files_get_the_umask_mode(tmp_path: Path):
    atomic_write_bytes(tmp_path / "a.txt", b"x")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == file_mode() == 0o666 & ~umask


def test_an_existing_folder_is_refused_unless_forced(tmp_path: Path):
    out = tmp_path / "D"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert_bad_input(orgsim("run", "baseline", *SHORT, "--out", out), "not empty", "--force")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    result = orgsim("run", "baseline", *SHORT, "--out", out, "--force")
    assert result.returncode == 0, result.stderr
    assert not (out / "notes.txt").exists() and (out / "summary.json").exists()  # replaced whole, never mixed


def test_out_below_a_file_is_refused_before_the_run(tmp_path: Path):
    (tmp_path / "afile").write_text("")
    started = time.perf_counter()
    # a year of 5,000 people: refused without running it (nothing on stdout: the table comes after a run)
    result = orgsim("run", "baseline", "--set", "organization.employees=5000", "--out", tmp_path / "afile" / "sub")
    assert_bad_input(result, "--out", "afile", "is a file, not a folder")
    assert time.perf_counter() - started < 30


def test_a_stale_temporary_folder_is_removed(tmp_path: Path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".D.orgsim-{dead.pid}-0000abcd"
    stale.mkdir()
    (stale / "summary.json").write_text("{}")
    result = orgsim("run", "baseline", *SHORT, "--out", tmp_path / "D")
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["D"]


@pytest.fixture(scope="module")
def short_run():
    from sim.model import OrgModel

    model = OrgModel(load_scenario("baseline", ["horizon_days=10", "warmup_days=2"]))
    return model, model.run()


@pytest.mark.parametrize("failure", ["infinite", "killed"])
def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path: Path, short_run, monkeypatch, failure):
    model, summary = short_run
    out = tmp_path / "D"
    write_results(out, model, summary, "baseline", [])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    if failure == "infinite":
        with pytest.raises(NotWritten, match="'revenue' is inf") as error:
            write_results(out, model, {**summary, "revenue": math.inf}, "baseline", [], force=True)
        assert "\n" not in str(error.value)
    else:  # a Ctrl-C while the last file is written
        import sim.output

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(sim.output, "write_summary", interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_results(out, model, summary, "baseline", [], force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["D"]


def test_summary_json_never_holds_infinity_or_nan():
    assert json.loads(summary_text({"a": math.nan, "b": 1.5}))["a"] is None
    for value in (math.inf, -math.inf):
        with pytest.raises(NonFiniteResult, match="'b' is"):
            summary_text({"b": value})


def test_the_shared_finite_number_check():
    assert finite_number(3) == 3 and finite_number(2.5) == 2.5
    for bad in (math.inf, math.nan, True, 10**400, "1"):
        with pytest.raises(ValueError, match="must be a"):
            finite_number(bad, "bounds")


def test_ecommerce_staff_beyond_the_company_is_refused_not_clamped():
    with pytest.raises(ScenarioError, match=r"ecommerce_staff \(15\) must be at most 14"):
        load_scenario("startup", {"organization.ecommerce_staff": 15, "organization.employees": 20})
    assert load_scenario("startup", {"organization.ecommerce_staff": 14, "organization.employees": 20})


def test_a_flooding_validation_scenario_is_refused_quickly():
    started = time.perf_counter()
    result = orgsim("run", "validation/queueing", "--set", "validation.request_rate_per_hour=10000",
                    "--set", "validation.manager_service_rate_per_hour=0.0001")  # fmt: skip
    assert_bad_input(result, "events expected", f"{EVENT_LIMIT:,}", "--force")
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("name", ["baseline", "startup", "yy_company", "zappos_transition", "validation/queueing",
                                  "validation/abandonment"])  # fmt: skip
def test_bundled_scenarios_and_the_flagship_size_fit_the_limit(name):
    assert expected_events(load_scenario(name)) < EVENT_LIMIT
    assert expected_events(load_scenario("baseline", {"organization.employees": 5000})) < EVENT_LIMIT


def test_progress_by_day_changes_nothing(short_run):
    from sim.model import OrgModel

    _, summary = short_run
    model = OrgModel(load_scenario("baseline", ["horizon_days=10", "warmup_days=2"]))
    assert json.dumps(run_with_progress(model, show=True)) == json.dumps(summary)


def test_a_huge_integer_in_an_experiment_is_one_line(tmp_path: Path):
    from sim.batch.experiment import ExperimentError, load_experiment

    path = tmp_path / "huge.toml"
    path.write_text(f'name = "huge"\nscenario = "baseline"\nreplications = {"9" * 5000}\n')
    with pytest.raises(ExperimentError, match="too many digits") as error:
        load_experiment(path)
    assert "\n" not in str(error.value) and len(str(error.value)) < 300
