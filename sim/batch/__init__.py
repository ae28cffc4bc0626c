"""Experiments at scale: designs over scenario keys, replications, a resumable Parquet run table.

- `experiment`: the experiment file (TOML), validated; every design point's scenario checked up front.
- `designs`: grid, Latin hypercube, Morris and Sobol designs (the last three through SALib).
- `executors`: where runs execute (a local process pool, or a Dask distributed cluster).
- `store`: the run table on disk (one small Parquet part file per batch, written atomically).
- `sweep`: ties them together: run what is missing, record failures, show progress.
- `manifest`: what was run, with what code and packages, where and when (`manifest.json`).
- `versions`: one experiment per results folder (its content hash), later versions in `vN/`.
- `guards`: clean stops on SIGTERM/SIGHUP, no orphan workers, per-run time and memory limits.
"""

from sim.batch.experiment import Experiment, ExperimentError, load_experiment

__all__ = ["Experiment", "ExperimentError", "load_experiment"]
