"""Is the flagship's horizon long enough? The measured window's two halves, compared.

For each structure at the smallest and largest flagship sizes, runs the
size sweep's scenario (its base scenario and `[set]`) on `--seeds` seeds and
splits the measured window (warm-up to horizon) in two: the mean decision
time of the decisions created in each half, and the conversion of the
inquiries that arrived in each half, with 95% t-intervals over seeds. In a
steady state the halves agree within the intervals.

Usage: .venv/bin/python tools/steady_state.py [--seeds 6] [--sizes 50,5000]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from sim import OrgModel, load_scenario
from sim.batch.experiment import flatten_overrides, load_experiment
from sim.report.statistics import t_interval
from sim.structures import STRUCTURES


def halves(job) -> tuple[float, float, float, float]:
    scenario, seed = job
    model = OrgModel(scenario, rng=seed)
    model.run()
    start, end = model.measured_from.time_h, model.time
    middle = (start + end) / 2
    decision_times = ([], [])
    for d in model.decisions:
        if d.created_h >= start:
            decision_times[d.created_h >= middle].append((d.decided_h if d.decided_h is not None else end) - d.created_h)
    arrived, converted = [0, 0], [0, 0]
    for inquiry in model.inquiries:
        if inquiry.arrived_h >= start:
            half = int(inquiry.arrived_h >= middle)
            arrived[half] += 1
            converted[half] += inquiry.outcome == "converted"
    return (float(np.mean(decision_times[0])), float(np.mean(decision_times[1])),
            converted[0] / arrived[0], converted[1] / arrived[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--sizes", default="50,5000")
    parser.add_argument("--experiment", default="experiments/size_sweep.toml")
    args = parser.parse_args()
    experiment = load_experiment(args.experiment)
    fixed = flatten_overrides(experiment.spec.set_)
    print("| structure | employees | decision time, 1st half (h) | 2nd half | conversion, 1st half | 2nd half |")
    print("| --- | --- | --- | --- | --- | --- |")
    for structure in STRUCTURES:
        for employees in (int(size) for size in args.sizes.split(",")):
            overrides = {**fixed, "organization.structure": structure, "organization.employees": employees}
            scenario = load_scenario(experiment.scenario_path, overrides)
            with ProcessPoolExecutor(2) as pool:
                rows = list(pool.map(halves, [(scenario, seed) for seed in range(args.seeds)]))
            cells = []
            for column in range(4):
                mean, low, high, _ = t_interval([row[column] for row in rows])
                cells.append(f"{mean:.3f} ({low:.3f}–{high:.3f})")
            print(f"| {structure} | {employees:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
