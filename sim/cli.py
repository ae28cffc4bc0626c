"""The `orgsim` command line (also `python -m sim`).

Bad input (a scenario file, a --set override) ends with one line on stderr
naming the file, the key and what is allowed, and exit code 2.
"""

from __future__ import annotations

import math
import sys
import time

import click

from sim.scenario import ScenarioError, bundled_scenarios, load_scenario

EXIT_BAD_INPUT = 2


def _fail(message: str) -> None:
    # One line, always: a quoted TOML key or a path may itself contain a line break.
    message = " ".join(line.strip() for line in message.splitlines() if line.strip())
    click.echo(f"orgsim: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _overrides(sets: tuple[str, ...], days: int | None, seed: int | None, structure: str | None = None) -> list[str]:
    """The --set values and the options that stand for them (--days, --seed), in the order they apply."""
    overrides = list(sets)
    if days is not None:
        overrides.append(f"horizon_days={days}")
    if seed is not None:
        overrides.append(f"seed={seed}")
    if structure is not None:
        overrides.append(f'organization.structure="{structure}"')
    return overrides


def _load(scenario: str, sets: tuple[str, ...], days: int | None, seed: int | None, structure: str | None = None):
    overrides = _overrides(sets, days, seed, structure)
    try:
        return load_scenario(scenario, overrides)
    except ScenarioError as error:
        _fail(str(error))


def _format(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _print_table(columns: list[str], summaries: list[dict]) -> None:
    keys = list(summaries[0])
    width = max(len(k) for k in keys)
    cells = [[_format(s[k]) for k in keys] for s in summaries]
    col_width = [max(len(columns[j]), max(len(cells[j][i]) for i in range(len(keys)))) for j in range(len(columns))]
    click.echo(f"{'metric':<{width}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(columns, col_width)))
    for i, key in enumerate(keys):
        click.echo(f"{key:<{width}}  " + "  ".join(f"{cells[j][i]:>{col_width[j]}}" for j in range(len(columns))))


seed_option = click.option("--seed", type=click.IntRange(min=0), default=None, help="Root seed (default: the scenario's).")
days_option = click.option("--days", type=click.IntRange(min=1), default=None, help="Horizon in working days.")
set_option = click.option(
    "--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a scenario value, e.g. organization.employees=500."
)


class OneLineErrors(click.Group):
    """A command group whose usage errors are one line and exit 2, like scenario errors."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            _fail(error.format_message())
        except click.Abort:
            click.echo("orgsim: aborted", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """orgsim: how a company that sells online organizes itself, as an agent-based simulation."""


@main.command()
@click.argument("scenario")
@seed_option
@days_option
@set_option
@click.option("--out", type=click.Path(), default=None,
              help="Write summary.json, Parquet tables, scenario.toml and overrides.toml into this new folder.")
@click.option("--force", is_flag=True, help="Replace a non-empty --out folder; run beyond the event limit.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def run(scenario, seed, days, sets, out, force, quiet):
    """Run SCENARIO (a file or a bundled name) and print its headline metrics."""
    params = _load(scenario, sets, days, seed)
    from sim.run_folder import NotWritten, out_dir_problem, write_results
    from sim.run_guard import run_with_progress, too_many_events

    problem = (out_dir_problem(out, force) if out else None) or (None if force else too_many_events(params))
    if problem:  # before the run: a bad --out or an oversized run is found in a second, not after an hour
        _fail(problem)
    from sim.model import OrgModel

    started = time.perf_counter()
    model = OrgModel(params)
    summary = run_with_progress(model, show=not quiet and sys.stderr.isatty())
    elapsed = time.perf_counter() - started
    _print_table([params.organization.structure], [summary])
    click.echo(f"({elapsed:.2f} s)", err=True)
    if out:
        try:
            write_results(out, model, summary, scenario, _overrides(sets, days, seed), force)
        except NotWritten as error:
            _fail(str(error))
        click.echo(f"results written to {out}", err=True)


@main.command()
@click.argument("scenario")
@seed_option
@days_option
@set_option
@click.option(
    "--structures", default=None, metavar="A,B,...",
    help="Comma-separated structures to run side by side (default: every structure, see `orgsim scenarios`).",
)
def compare(scenario, seed, days, sets, structures):
    """Run SCENARIO under several structures on the same seed and customers; print them side by side."""
    from sim.structures import STRUCTURES

    names = list(STRUCTURES) if structures is None else [s.strip() for s in structures.split(",") if s.strip()]
    if not names:
        _fail(f"--structures {structures!r}: name at least one structure ({', '.join(STRUCTURES)})")
    scenarios = [_load(scenario, sets, days, seed, name) for name in names]  # all checked before any runs
    from sim.model import OrgModel

    summaries = [OrgModel(params).run() for params in scenarios]
    _print_table(names, summaries)


@main.command()
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Processes to run checks on.")
@click.option("-k", "--only", default=None, metavar="TEXT", help="Run only the checks whose name contains TEXT.")
def validate(workers, only):
    """Check the model against queueing theory and patterns from the literature; exit 1 if any check fails."""
    from sim import validation

    checks = validation.select(only)
    if not checks:
        _fail(f"no check name contains {only!r} (see `orgsim validate` for the list)")
    started = time.perf_counter()
    results = validation.run_checks(checks, workers=workers)
    click.echo(validation.format_table(results))
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed}/{len(results)} checks passed ({time.perf_counter() - started:.1f} s)", err=True)
    if failed:
        sys.exit(1)


@main.command()
@click.argument("experiment")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Local worker processes (default: all cores).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT", help="Run on this Dask distributed scheduler.")
@click.option("--dask-local", is_flag=True, help="Run on a Dask LocalCluster started here (--workers processes).")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Results folder (default: results/<name>).")
@click.option("--retry-failed", is_flag=True, help="Run again the runs that failed in an earlier sweep.")
@click.option("--batch", type=click.IntRange(min=1), default=50, show_default=True, help="Finished runs per Parquet part file.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--new-version", is_flag=True, help="--out holds another experiment: store this one as its vN/ beside it.")
@click.option("--dedupe", is_flag=True, help="Run design points that resolve to the same scenario once (else refused).")
@click.option("--max-runs", type=click.IntRange(min=1), default=100_000, show_default=True, help="Refuse bigger designs.")
@click.option("--run-timeout", type=click.FloatRange(min=0, min_open=True), default=3600, help="Seconds; a slower run fails (3600).")
@click.option("--run-memory", type=click.IntRange(min=64), default=4096, show_default=True, help="MB; a run needing more fails.")
def sweep(experiment, workers, scheduler, dask_local, out, retry_failed, batch, no_progress, new_version, dedupe,
          max_runs, run_timeout, run_memory):
    """Run the EXPERIMENT file's design x replications; store the run table under --out (resumable)."""
    from sim.batch.experiment import ExperimentError, load_experiment

    if scheduler and (workers or dask_local):
        _fail("--scheduler runs on the cluster's workers: leave out --workers and --dask-local")
    if scheduler and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        _fail(f"--scheduler {scheduler}: expected an address such as tcp://127.0.0.1:8786")
    try:
        loaded = load_experiment(experiment, max_runs=max_runs, dedupe=dedupe)
    except ExperimentError as error:
        _fail(str(error))
    from sim.batch.executors import MAX_ATTEMPTS, BackendLost, DaskBackend, ProcessPoolBackend
    from sim.batch.guards import Stopped
    from sim.batch.store import FolderInUse
    from sim.batch.sweep import run_sweep
    from sim.batch.versions import FolderMismatch

    if scheduler:
        backend = DaskBackend(address=scheduler)
    elif dask_local:
        backend = DaskBackend(local_workers=workers)
    else:
        backend = ProcessPoolBackend(workers)
    out_dir = out or f"results/{loaded.name}"
    if scheduler:
        try:
            backend.start()
        except OSError as error:
            _fail(f"--scheduler {scheduler}: cannot connect ({' '.join(str(error).split())})")
    click.echo(
        f"{loaded.name}: {len(loaded.scenarios)} design points x {len(loaded.seeds)} replications = {loaded.n_runs} runs -> {out_dir}",
        err=True,
    )
    try:
        result = run_sweep(loaded, out_dir, backend, retry_failed=retry_failed, new_version=new_version,
                           run_timeout=run_timeout, run_memory=run_memory, progress=not no_progress,
                           flush_rows=batch, log=lambda message: click.echo(message, err=True))
    except (FolderInUse, FolderMismatch, BackendLost) as error:
        _fail(str(error))
    except KeyboardInterrupt as error:  # Ctrl-C, or SIGTERM / SIGHUP (Stopped)
        click.echo(f"orgsim: interrupted; finished runs are stored in {out_dir}: run the same command again to resume",
                   err=True)
        sys.exit(128 + error.signum if isinstance(error, Stopped) else 130)
    if result.lost:
        click.echo(f"{result.lost} runs were lost to dead workers {MAX_ATTEMPTS} times and not stored; "
                   "run the same command again to run them", err=True)
    rate = result.ran / result.seconds if result.seconds > 0 else float("nan")
    click.echo(
        f"{result.ran} runs in {result.seconds:.1f} s ({rate:.2f} runs/s), {result.failed} failed, "
        f"{result.skipped} already stored; results in {result.out_dir}",
        err=True,
    )
    if result.failed:
        click.echo(f"failed runs are in {result.out_dir}/runs (status=failed, column error); --retry-failed runs them again", err=True)


@main.command()
@click.argument("results_dir", type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Report folder (default: RESULTS_DIR/report).")
@click.option("--by", default=None, metavar="KEY",
              help="Design factor whose levels the size figures show side by side (default: the one with fewest levels).")
@click.option("--version", type=click.IntRange(min=1), default=None, help="Which stored version (default: the latest).")
def report(results_dir, out, by, version):
    """Figures, tables (CSV) and report.md from a finished sweep in RESULTS_DIR."""
    from sim.batch.versions import report_folder
    from sim.report import ReportError, write_report

    try:
        path = write_report(report_folder(results_dir, version), out, by)
    except (ReportError, LookupError) as error:
        _fail(str(error))
    click.echo(f"report written to {path}", err=True)


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on; 0.0.0.0 serves a room.")
@click.option("--results", default="results", show_default=True, help="The only folder whose sweeps the page opens.")
@click.option("--max-employees", type=click.IntRange(min=1), help="Largest company one participant may run.")
@click.option("--max-days", type=click.IntRange(min=1), help="Longest run one participant may ask for.")
@click.option("--max-compare-days", type=click.IntRange(min=1), help="Longest comparison of the structures.")
def dashboard(port, host, results, max_employees, max_days, max_compare_days):
    """Serve the dashboard, offline; prints the participants' and the facilitator's links (docs/workshop.md)."""
    from sim.dashboard import serve

    limits = {"max_employees": max_employees, "max_days": max_days, "max_compare_days": max_compare_days}
    try:
        sys.exit(serve.run(port, host, results, limits, echo=click.echo))
    except serve.StartError as error:
        _fail(str(error))


@main.command()
def scenarios():
    """List the bundled scenarios and the structures a scenario can choose."""
    from sim.structures import STRUCTURES

    found = bundled_scenarios()
    width = max(len(name) for name, _ in found)
    for name, description in found:
        click.echo(f"{name:<{width}}  {description}")
    click.echo(f"\nstructures (organization.structure): {', '.join(STRUCTURES)}")


if __name__ == "__main__":
    main()
