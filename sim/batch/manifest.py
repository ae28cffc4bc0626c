"""A sweep's manifest, `DIR/manifest.json`: what was run, with what, where and when.

Besides the experiment and its design, every session that wrote to the folder
is recorded with its host, user, command, backend, code version and package
versions, so a result table can be traced back to what made it.
"""

from __future__ import annotations

import getpass
import json
import platform
import socket
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from sim.batch.experiment import REPO_ROOT, Experiment
from sim.output import atomic_write_bytes

PACKAGES = ("orgsim", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "SALib", "dask", "distributed", "scipy")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def code_version() -> dict:
    """git describe and commit of the source tree, when it is a git checkout."""

    def git(*args):
        try:
            out = subprocess.run(["git", *args], check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() or None if out.returncode == 0 else None

    return {"describe": git("describe", "--always", "--dirty", "--tags"), "commit": git("rev-parse", "HEAD")}


def package_versions() -> dict:
    """The versions of Python and of the packages a run's results depend on (None where not installed)."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return None


def _design_section(experiment: Experiment) -> dict:
    """The manifest's `design`: the design as specified, and the points and problem it made."""
    spec = experiment.spec.design
    return {
        "kind": spec.kind,
        "keys": experiment.design.keys,
        "parameters": spec.parameters,
        "samples": spec.samples,
        "levels": spec.levels,
        "second_order": spec.second_order,
        "points": len(experiment.design.points),
        "problem": experiment.design.problem,
    }


class Manifest:
    """`DIR/manifest.json`: what was run, with what, where and when (rewritten atomically)."""

    def __init__(self, path: Path, experiment: Experiment, backend: dict, identity: dict | None = None):
        """`identity`: the experiment's content hash and the folder's version (see `sim.batch.versions`)."""
        self.path = path
        previous = {}
        if path.exists():
            try:
                previous = json.loads(path.read_text())
            except (OSError, ValueError):
                previous = {}
        if not isinstance(previous, dict):
            previous = {}  # not a manifest this code wrote: start its history afresh
        self.data = {
            "experiment": {
                "name": experiment.name,
                "file": str(experiment.path),
                "content": experiment.raw,
                "scenario_file": str(experiment.scenario_path),
            },
            **(identity or {}),
            "root_seed": experiment.spec.seed,
            "replications": experiment.spec.replications,
            "replication_seeds": experiment.seeds,
            "metrics": list(experiment.metrics),
            "design": _design_section(experiment),
            "runs_total": experiment.n_runs - len(experiment.repeats) * len(experiment.seeds),
            "repeated_points": {str(point): first for point, first in experiment.repeats.items()},
            "created": previous.get("created", _now()),
            "sessions": previous.get("sessions", []),
        }
        self.session = {
            "started": _now(),
            "ended": None,
            "status": "running",
            "host": socket.gethostname(),
            "platform": platform.platform(),
            "user": _user(),
            "command": " ".join(sys.argv),
            **backend,
            "code_version": code_version(),
            "packages": package_versions(),
        }
        self.data["sessions"].append(self.session)

    def write(self, **session_fields) -> None:
        """Record facts about this session and rewrite the file."""
        self.session.update(session_fields)
        # The newest session's facts, at the top level for a quick look.
        self.data.update(
            {
                "started": self.session["started"],
                "ended": self.session["ended"],
                "status": self.session["status"],
                "host": self.session["host"],
                "code_version": self.session["code_version"],
                "packages": self.session["packages"],
            }
        )
        text = json.dumps(self.data, indent=2, default=str)
        atomic_write_bytes(self.path, (text + "\n").encode())

    def end(self, **session_fields) -> None:
        """Record how this session ended (status, counts, timing), stamped with the time it ended."""
        self.write(ended=_now(), **session_fields)
