"""`orgsim run --out DIR`: a results folder that holds one whole run or nothing.

The files are written into a hidden folder next to DIR (`.DIR.orgsim-PID-XXXX`)
that is renamed to DIR at the end, so a kill part-way leaves DIR as it was
(never files of two runs side by side). An existing non-empty DIR is refused
unless `force`; then it is replaced whole. A hidden folder left by a killed run
(its process gone) is removed by the next run into the same DIR.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Callable

_MARK = ".orgsim-"


class NotWritten(RuntimeError):
    """The results could not be written to --out; the message is one line and nothing was left behind."""


def out_dir_problem(out: str | Path, force: bool) -> str | None:
    """Why results cannot go to `out` (one line naming --out), checked before the run; None if they can."""
    path = Path(os.path.abspath(out))  # `..` and `.` resolved: the folder is renamed as a whole
    if Path.cwd() == path or path in Path.cwd().parents:
        return f"--out {out}: is the current folder or holds it; name a folder of its own"
    if path.exists() and not path.is_dir():
        return f"--out {out}: exists and is not a folder"
    if path.is_dir() and any(path.iterdir()) and not force:
        return f"--out {out}: the folder is not empty (add --force to replace it)"
    ancestor = path.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"--out {out}: {ancestor} is a file, not a folder"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"--out {out}: cannot create files in {ancestor} (permission denied)"
    return None


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, killed but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's process: alive
            return True
        return True


def remove_orphans(parent: Path, prefix: str) -> None:
    """Remove the folders in `parent` named `prefix`, a process id, "-" and more, whose process is gone:
    what a process killed before it could clean up (`kill -9`, a power cut) left behind."""
    for folder in parent.glob(f"{prefix}*-*"):
        pid = folder.name[len(prefix) :].split("-")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def write_folder(out: str | Path, write: Callable[[Path], None], force: bool = False) -> None:
    """Call `write(folder)` on a fresh hidden folder next to `out`, then rename it to `out`.

    `out` must be absent or empty, or `force` replaces it. On any error the hidden folder is removed
    and `out` is left as it was.
    """
    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(out.parent, f".{out.name}{_MARK}")  # hidden folders of earlier runs into `out`
    stem = f".{out.name}{_MARK}{os.getpid()}-"
    temporary = out.parent / f"{stem}{secrets.token_hex(4)}"
    temporary.mkdir()  # the user's umask gives its mode, as for the files in it
    old = out.parent / f"{stem}old-{secrets.token_hex(4)}"
    try:
        write(temporary)
        if out.is_dir() and any(out.iterdir()):
            if not force:
                raise FileExistsError(f"--out {out}: the folder is not empty (add --force to replace it)")
            out.rename(old)  # from here to the next rename DIR is missing, never mixed
        elif out.is_dir():
            out.rmdir()
        temporary.rename(out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        if old.exists() and not out.exists():
            old.rename(out)  # put the earlier results back
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_results(out: str | Path, model, summary: dict, scenario: str, overrides: list[str], force: bool = False) -> None:
    """A run's files, its resolved scenario.toml and its overrides.toml into the folder `out`, all at once.

    NotWritten (one line) when a result is not finite, `out` is taken or the disk refuses.
    """
    from sim.output import NonFiniteResult, atomic_write_bytes, write_run
    from sim.provenance import overrides_text, provenance, resolved_scenario_text

    resolved = resolved_scenario_text(model.params)

    def write(folder: Path) -> None:
        atomic_write_bytes(folder / "scenario.toml", resolved.encode())
        atomic_write_bytes(folder / "overrides.toml", overrides_text(scenario, overrides).encode())
        write_run(folder, model, summary, provenance(resolved))

    try:
        write_folder(out, write, force)
    except (NonFiniteResult, FileExistsError) as error:
        raise NotWritten(str(error)) from None
    except OSError as error:
        raise NotWritten(f"--out {out}: cannot write results: {error.strerror or error}") from None
