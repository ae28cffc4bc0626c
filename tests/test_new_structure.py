"""A new structure is one new file: the CLI, the dashboard, the report and the tests pick it up unedited.

The test copies the package next to a throwaway structure file
(`sim/structures/flat.py`) and asks each part, in a fresh interpreter that
imports the copy, whether it knows the new structure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLAT = textwrap.dedent(
    '''
    """Flat: a throwaway structure, a hierarchy under another name and colour."""
    from sim.structures.base import register
    from sim.structures.hierarchy import Hierarchy


    @register("flat")
    class Flat(Hierarchy):
        colour = "#17becf"
    '''
)


@pytest.fixture(scope="module")
def copy_with_flat(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("orgsim")
    for folder in ("sim", "scenarios", "tests"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "sim" / "structures" / "flat.py").write_text(FLAT)
    return root


def run_in(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def test_the_copy_imports_its_own_package(copy_with_flat):
    done = run_in(copy_with_flat, "-c", "import sim; print(sim.__file__)")
    assert done.stdout.strip().startswith(str(copy_with_flat))


def test_the_cli_lists_runs_and_compares_it(copy_with_flat):
    assert "flat" in run_in(copy_with_flat, "-m", "sim", "scenarios").stdout.splitlines()[-1]
    run_in(copy_with_flat, "-m", "sim", "run", "startup", "--days", "3", "--set", "warmup_days=0", "--set", "organization.structure=flat")
    header = run_in(copy_with_flat, "-m", "sim", "compare", "startup", "--days", "3", "--set", "warmup_days=0").stdout.splitlines()[0]
    assert sorted(header.split()[1:]) == ["flat", "hierarchy", "holacracy", "hybrid"]


def test_the_parametrised_tests_run_it(copy_with_flat):
    collected = run_in(copy_with_flat, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                       "tests/test_model.py").stdout
    assert "test_every_inquiry_ends_in_exactly_one_outcome[flat]" in collected


def test_the_report_and_the_dashboard_show_it(copy_with_flat):
    script = (
        "from sim.report.figures import structure_colour as in_report\n"
        "from sim.dashboard.charts import structure_colour as in_dashboard\n"
        "from sim.dashboard.session import structure_names\n"
        "print(in_report('flat'), in_dashboard('flat'), 'flat' in structure_names())\n"
    )
    assert run_in(copy_with_flat, "-c", script).stdout.split() == ["#17becf", "#17becf", "True"]
