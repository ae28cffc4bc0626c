"""`orgsim validate`: the command gets the whole registry in order, and a failing check makes it fail."""

import subprocess
import sys
from functools import partial
from pathlib import Path

from click.testing import CliRunner

import sim.decisions
from sim import validation
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _rows(table: str) -> list[list[str]]:
    """The body of the table: one list of cells per row (after the header and its rule)."""
    lines = table.strip().splitlines()
    header = [cell.strip() for cell in lines[0].split("|")]
    assert header == list(validation.COLUMNS)
    assert set(lines[1]) <= {"-", "+"}
    return [[cell.strip() for cell in line.split("|")] for line in lines[2:]]


# The order of the table's rows: one story after the other, by how their check names start.
STORIES = (
    "Jackson",
    "Little",
    "Holacracy",
    "Erlang-A",
    "Sah-Stiglitz",
    "Conservation",
    "Pattern: decisions",
    "Pattern: Graicunas",
    "Pattern: lead decay",
    "Pattern: an adapting",
    "Calibration",
)


def _python(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_a_fresh_process_sees_every_check_in_story_order():
    # Every check passing is tests/test_theory.py's (one test per check); here, that `orgsim validate`
    # in a new process, which imports only `sim.validation`, gets the whole registry in table order.
    done = _python("-c", "from sim import validation\nfor c in validation.CHECKS: print(c.name)")
    names = done.stdout.splitlines()
    assert names == [c.name for c in validation.CHECKS]
    stories = [next(i for i, story in enumerate(STORIES) if name.startswith(story)) for name in names]
    assert stories == sorted(stories) and set(stories) == set(range(len(STORIES))), names


def test_orgsim_validate_runs_real_checks_in_a_fresh_process():
    # One process: worker processes are test_checks_run_in_parallel_give_the_same_rows_as_serial's.
    done = _python("-m", "sim", "validate", "--workers", "1", "--only", "Graicunas")
    rows = _rows(done.stdout)
    assert rows == _rows(validation.format_table(validation.run_checks(validation.select("Graicunas"), workers=1)))
    assert len(rows) == 2 and all(row[-1] == "pass" for row in rows), done.stdout


def _fast_check() -> validation.CheckResult:
    return validation.CheckResult("always right", 1.0, 1.0, "exact", True)


def _broken_check() -> validation.CheckResult:
    raise RuntimeError("the model fell over")


def test_a_wrong_expected_value_makes_validate_fail(monkeypatch):
    # A registered relative check whose expected value is deliberately wrong.
    wrong = validation.Check("wrong expectation", partial(validation.relative_result, "wrong expectation", 1.0, 2.0))
    monkeypatch.setattr(validation, "CHECKS", [validation.Check("always right", _fast_check), wrong])
    result = CliRunner().invoke(main, ["validate", "--workers", "1"])
    assert result.exit_code == 1, result.output
    verdicts = {row[0]: row[-1] for row in _rows(result.stdout)}
    assert verdicts == {"always right": "pass", "wrong expectation": "FAIL"}


def test_a_broken_model_fails_the_graicunas_check(monkeypatch):
    monkeypatch.setattr(sim.decisions, "graicunas_relationships", lambda n: n * 2**n)
    result = CliRunner().invoke(main, ["validate", "--workers", "1", "--only", "Graicunas relationship"])
    assert result.exit_code == 1, result.output
    (row,) = _rows(result.stdout)
    assert row[-1] == "FAIL" and "wrong at n = 1" in row[1]


def test_a_check_that_raises_is_a_failed_row_not_a_crash(monkeypatch):
    monkeypatch.setattr(validation, "CHECKS", [validation.Check("explodes", _broken_check)])
    result = CliRunner().invoke(main, ["validate", "--workers", "1"])
    assert result.exit_code == 1
    (row,) = _rows(result.stdout)
    assert row[0] == "explodes" and row[-1] == "FAIL" and "the model fell over" in row[1]


def test_validate_exits_0_when_every_check_passes(monkeypatch):
    monkeypatch.setattr(validation, "CHECKS", [validation.Check("always right", _fast_check)])
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert _rows(result.stdout) == [["always right", "1.000", "1.000", "exact", "pass"]]


def test_validate_rejects_a_filter_that_matches_nothing():
    result = CliRunner().invoke(main, ["validate", "--only", "no such check"])
    assert result.exit_code == 2
    assert "no check name contains" in result.output


def test_checks_run_in_parallel_give_the_same_rows_as_serial():
    fast = validation.select("Graicunas") + validation.select("Conservation")
    assert validation.run_checks(fast, workers=2) == validation.run_checks(fast, workers=1)
