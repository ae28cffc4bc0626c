"""One experiment per results folder: which folder a sweep writes to, and which one a report reads.

A results folder holds the runs of one experiment, named by the content hash
of the *resolved* experiment (every design point's validated scenario, the
replication seeds, the design and the metrics; not the file's bytes, so
reformatting the file or reordering its keys changes nothing). The hash is in
`manifest.json` (`experiment_hash`). Sweeping a changed experiment into a
folder that holds another one is refused (`FolderMismatch`), unless the sweep
asks for a new version: version 1 is the folder itself, version N > 1 its
subfolder `vN/`, each with its own manifest, design and runs. A report reads
one version, the latest unless told.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from sim.batch.experiment import Experiment

HASH_KEY = "experiment_hash"


class FolderMismatch(RuntimeError):
    """The results folder holds the runs of another experiment; the message is one user-facing line."""


def experiment_hash(experiment: Experiment) -> str:
    """The content hash of the resolved experiment (what its runs and their analysis depend on)."""
    spec = experiment.spec
    content = {
        "scenarios": experiment.scenarios,
        "seeds": experiment.seeds,
        "root_seed": spec.seed,
        "design": {
            "kind": spec.design.kind,
            "keys": experiment.design.keys,
            "samples": spec.design.samples,
            "levels": spec.design.levels,
            "second_order": spec.design.second_order,
            "problem": experiment.design.problem,  # bounds as floats: [1, 2] and [1.0, 2.0] are one design
        },
        "metrics": list(experiment.metrics),
        "timeseries": spec.timeseries,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _holds_results(folder: Path) -> bool:
    return (folder / "manifest.json").is_file() or any((folder / "runs").glob("part-*.parquet"))


def versions(root: str | Path) -> list[tuple[int, Path]]:
    """(version, folder) of every version stored under `root`, oldest first."""
    root = Path(root)
    found = [(1, root)] if _holds_results(root) else []
    if root.is_dir():
        for child in root.iterdir():
            match = re.fullmatch(r"v([0-9]{1,6})", child.name)
            if match and int(match.group(1)) > 1 and child.is_dir() and _holds_results(child):
                found.append((int(match.group(1)), child))
    return sorted(found)


def stored_hash(folder: Path) -> str | None:
    """The experiment hash in a folder's manifest (None when it has none or cannot be read)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    return manifest.get(HASH_KEY) if isinstance(manifest, dict) else None


def _only_these_runs(folder: Path, planned: set[str]) -> bool:
    """Whether every run stored in `folder` is one of `planned` (a folder from before hashes existed)."""
    from sim.batch.store import read_dataset

    stored = read_dataset(folder / "runs", ["run_key"])
    return stored.num_rows == 0 or set(stored.column("run_key").to_pylist()) <= planned


def sweep_folder(root: str | Path, digest: str, *, new_version: bool = False,
                 planned: set[str] | None = None) -> tuple[Path, int]:
    """(folder, version) a sweep of the experiment with hash `digest` writes to under `root`.

    The latest version when it holds this experiment (a resume); a new version
    after it with `new_version`; otherwise FolderMismatch. A folder written
    before experiment hashes existed is taken as this experiment's when all its
    runs are among the `planned` run keys.
    """
    root = Path(root)
    found = versions(root)
    if not found:
        return root, 1
    number, folder = found[-1]
    held = stored_hash(folder)
    if held == digest or (held is None and planned is not None and _only_these_runs(folder, planned)):
        return folder, number
    if new_version:
        return root / f"v{number + 1}", number + 1
    what = f"experiment hash {held[:12]}" if held else "no readable experiment hash"
    raise FolderMismatch(
        f"{folder}: holds the runs of a different experiment ({what}; this one is {digest[:12]}); "
        f"sweep into another --out, or pass --new-version to store this one as v{number + 1} beside it"
    )


def report_folder(root: str | Path, version: int | None = None) -> Path:
    """The folder of one version under `root` (the latest by default); LookupError for a missing version."""
    root = Path(root)
    found = dict(versions(root))
    if version is None:
        return found[max(found)] if found else root
    if version not in found:
        have = ", ".join(str(v) for v in sorted(found)) or "none"
        raise LookupError(f"{root}: no version {version} stored (versions: {have})")
    return found[version]
