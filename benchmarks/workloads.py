"""The workloads the benchmarks measure, shared by every script in this folder.

- the validation network: `scenarios/validation/queueing.toml` (a hierarchy,
  span 4, 60 staff) with every rate scaled by VALIDATION_SCALE: the same
  queueing network (utilization 0.6 at the top) on a clock 20 times faster, so
  the run loop handles ~140 decisions a day and the once-a-day observation does
  not dominate;
- a company: a bundled scenario under one structure, optionally resized and
  run for a given number of working days.

Run alone, this runs one workload in a process of its own and prints how
many items it handled (decisions, or inquiries for a company), then ends with
`os._exit`. That is for tools that measure a whole process
(`research/cachegrind.py` runs it under valgrind):

    python benchmarks/workloads.py orgsim 700            # the validation network, 700 days
    python benchmarks/workloads.py reference 700         # the same network as a bare heapq loop
    python benchmarks/workloads.py hierarchy:10000 260   # the baseline at 10,000 employees, days 0-260 of a year

The cycle collector stays off in that process, so the model leaves it off
after its loop (it restores the caller's state): the counts are the run
loop's, without the one walk over the run's objects that follows it in a
normal process (benchmarks/PROFILE.md, fourth pass); `os._exit` likewise skips
the interpreter's final collection of every record.
"""

from __future__ import annotations

import argparse
import os

STRUCTURES = ("hierarchy", "holacracy", "hybrid")
YEAR_DAYS = 260  # working days
VALIDATION_SCALE = 20
VALIDATION_SEED = 7


def validation_network(days: int, seed: int = VALIDATION_SEED):
    """The benchmarked validation network (every rate x VALIDATION_SCALE) for `days`: a model and its scenario."""
    from sim import load_scenario
    from sim.model import OrgModel

    bundled_scenario = load_scenario("validation/queueing")
    bundled = bundled_scenario.validation
    scenario = load_scenario(
        "validation/queueing",
        {
            "horizon_days": days,
            # Short runs (the bytecode count) measure from the start: a warm-up must end before the horizon.
            "warmup_days": bundled_scenario.warmup_days if days > bundled_scenario.warmup_days else 0,
            "validation.request_rate_per_hour": bundled.request_rate_per_hour * VALIDATION_SCALE,
            "validation.manager_service_rate_per_hour": bundled.manager_service_rate_per_hour * VALIDATION_SCALE,
        },
    )
    return OrgModel(scenario, rng=seed), scenario


def decisions_done(model) -> int:
    """Decisions the model has finished (granted or refused)."""
    return sum(d.decided_h is not None for d in model.decisions)


def company(scenario_name: str, structure: str, employees: int | None = None, days: int | None = None):
    """A bundled scenario under `structure`, with `employees` and a horizon of `days` where given."""
    from sim import load_scenario

    overrides: dict = {"organization.structure": structure}
    if employees is not None:
        overrides["organization.employees"] = employees
    if days is not None:
        # `days` simulated days from the start: the cost of a run is its days, whether measured or warm-up.
        overrides.update(horizon_days=days, warmup_days=0)
    return load_scenario(scenario_name, overrides)


def run_alone(kind: str, days: int) -> int:
    """One workload, as described above: the items it handled."""
    if kind in ("orgsim", "reference"):
        model, scenario = validation_network(days)
        if kind == "orgsim":
            model.run_until(scenario.horizon_hours)
            return decisions_done(model)
        from reference_heapq import simulate_like

        return simulate_like(model, seed=VALIDATION_SEED)["decisions"]
    # A company size, "STRUCTURE:EMPLOYEES": the baseline's year, run for its first `days`.
    from sim.model import OrgModel

    structure, employees = kind.split(":")
    scenario = company("baseline", structure, int(employees), YEAR_DAYS)
    model = OrgModel(scenario, rng=1)
    model.run_until(days * scenario.horizon_hours / YEAR_DAYS)
    return len(model.inquiries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", help="orgsim | reference | STRUCTURE:EMPLOYEES")
    parser.add_argument("days", type=int, help="working days to run")
    args = parser.parse_args()
    import gc

    gc.disable()
    print(run_alone(args.kind, args.days), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
