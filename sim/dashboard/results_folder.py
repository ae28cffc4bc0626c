"""The finished sweeps a dashboard may show: the sub-folders of one results root, opened by name.

A room of participants shares the server, so the Sweep results tab never takes
a typed path: it offers the sweeps under the root the server was started with
(`orgsim dashboard --results DIR` sets ORGSIM_RESULTS_ROOT; default `results/`
in the working directory) and refuses anything that resolves outside it, be it
a `..` in a name or a symbolic link. Nothing here imports Solara.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT_ENV = "ORGSIM_RESULTS_ROOT"
DEFAULT_ROOT = "results"
REPORT = "report.md"
MAX_FIGURES = 500
MAX_FILES_SEEN = 20_000  # a sweep folder is small; stop looking in anything far larger


def results_root() -> Path:
    """The one folder whose sweeps the dashboard shows (read each time, so a test or the CLI can set it)."""
    return Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT).resolve()


def inside(folder: Path, path: Path) -> bool:
    """Whether `path`, with every symbolic link followed, lies in `folder` (itself resolved)."""
    try:
        return path.resolve().is_relative_to(folder)
    except (OSError, RuntimeError):  # a link loop, or a path the server may not look at
        return False


@dataclass
class ResultsFolder:
    """One sweep's figures and report, or why there are none (`problem`, in plain words)."""

    name: str
    path: Path | None = None
    figures: list[Path] = field(default_factory=list)  # relative to `path`
    report: str | None = None
    problem: str | None = None

    def figure_bytes(self, relative: Path | str) -> bytes:
        """The PNG named `relative`: only one of this folder's own figures (ValueError otherwise)."""
        relative = Path(relative)
        if self.path is None or relative not in self.figures:
            raise ValueError(f"{relative} is not a figure of this sweep")
        return (self.path / relative).read_bytes()


def _files(folder: Path):
    """Files under `folder` that stay inside it once links are followed; symlinked folders are not entered."""
    seen = 0
    for directory, subfolders, names in os.walk(folder, followlinks=False):
        subfolders.sort()
        for name in sorted(names):
            seen += 1
            if seen > MAX_FILES_SEEN:
                return
            path = Path(directory) / name
            if path.is_file() and inside(folder, path):
                yield path


def _contents(folder: Path, max_figures: int) -> tuple[list[Path], Path | None]:
    """The *.png figures (relative, sorted) and the shallowest report.md of a sweep folder."""
    figures, reports = [], []
    for path in _files(folder):
        if path.suffix.lower() == ".png" and len(figures) < max_figures:
            figures.append(path.relative_to(folder))
        elif path.name == REPORT:
            reports.append(path)
    report = min(reports, key=lambda p: (len(p.relative_to(folder).parts), str(p)), default=None)
    return sorted(figures), report


def _sweep_folders(root: Path) -> list[Path]:
    """The real (not linked) sub-folders of the root."""
    if not root.is_dir():
        return []
    children = sorted(root.iterdir())
    return [child for child in children if child.is_dir() and not child.is_symlink() and inside(root, child)]


def _holds_results(folder: Path) -> bool:
    return any(path.suffix.lower() == ".png" or path.name == REPORT for path in _files(folder))


def sweep_names(root: Path | None = None) -> list[str]:
    """The sub-folders of the root that hold a report.md or *.png figures, by name."""
    return [folder.name for folder in _sweep_folders((root or results_root()).resolve()) if _holds_results(folder)]


def open_sweep(name: str, root: Path | None = None, max_figures: int = MAX_FIGURES) -> ResultsFolder:
    """The figures and report of the sweep called `name` under the root; refuses any other name."""
    root = (root or results_root()).resolve()
    folders = {folder.name: folder for folder in _sweep_folders(root)}
    if name not in folders or not _holds_results(folders[name]):  # a name from the list: no path, '..' or link out
        return ResultsFolder(name, problem=f"There is no finished sweep called {name!r} in the results folder.")
    path = folders[name]
    try:
        figures, report_file = _contents(path, max_figures)
        report = report_file.read_text(errors="replace") if report_file else None
    except OSError as error:
        return ResultsFolder(name, problem=f"The sweep {name!r} cannot be read ({error.strerror or 'error'}).")
    problem = None if figures else f"The sweep {name!r} has no figures yet (does `orgsim report` still have to run?)."
    return ResultsFolder(name, path, figures, report, problem)
