"""The validation-mode queueing network written as a bare `heapq` loop: the speed reference.

Same network as `scenarios/validation/queueing.toml` in a hierarchy: every
employee with no reports (outside management) sends requests that need the
top, as one Poisson stream of `rate_per_requester` each; every manager on the
way up is one FIFO server with exponential service at `service_rate`. No
agents, no records, no DataCollector: a heap of (time, seq, kind, station, job)
tuples and a deque per manager. It draws its own random numbers, so it agrees
with the model in distribution (mean decision time), not draw by draw.

`tree_of(model)` reads the tree (who reports to whom, who requests) from a
built `OrgModel`, so both run on exactly the same organization.

Run alone, `python benchmarks/reference_heapq.py [--days N]` runs both on the
bundled network (5,000 days unless told) and prints their decisions per second,
their mean decision times and the analytic Jackson-network mean.
"""

from __future__ import annotations

import heapq
import random
import time
from collections import deque

ARRIVAL, FINISH = 0, 1


def tree_of(model) -> tuple[list[tuple[int, ...]], int]:
    """Each requester's chain of managers (station indices, nearest first), and the number of stations."""
    station: dict[int, int] = {}
    chains = []
    for requester in model.source.requesters:
        chain = []
        boss = requester.manager
        while boss is not None:
            chain.append(station.setdefault(boss.unique_id, len(station)))
            boss = boss.manager
        chains.append(tuple(chain))
    return chains, len(station)


def simulate(
    chains: list[tuple[int, ...]],
    stations: int,
    rate_per_requester: float,
    service_rate: float,
    horizon_h: float,
    warmup_h: float,
    seed: int = 0,
) -> dict:
    """Run the network to `horizon_h`; decision times count for requests created after `warmup_h`."""
    rng = random.Random(seed)
    expovariate = rng.expovariate
    randrange = rng.randrange
    push, pop = heapq.heappush, heapq.heappop
    total_rate = rate_per_requester * len(chains)
    n_chains = len(chains)
    queues = [deque() for _ in range(stations)]
    busy = [False] * stations
    events: list = []
    seq = 0
    completed = 0
    measured = 0
    total_time = 0.0

    started, cpu = time.perf_counter(), time.process_time()
    push(events, (expovariate(total_rate), seq, ARRIVAL, -1, None))
    while events:
        now, _, kind, at, job = pop(events)
        if now > horizon_h:
            break
        if kind == ARRIVAL:
            seq += 1
            push(events, (now + expovariate(total_rate), seq, ARRIVAL, -1, None))
            job = [now, chains[randrange(n_chains)], 0]  # created, chain, hop
            first = job[1][0]
            if busy[first]:
                queues[first].append(job)
            else:
                busy[first] = True
                seq += 1
                push(events, (now + expovariate(service_rate), seq, FINISH, first, job))
            continue
        # FINISH at station `at`: pass the job up, then serve the next one waiting here.
        # (The enqueue-or-serve step is written out twice on purpose: a function call per hop
        # would slow the reference this benchmark measures against.)
        chain = job[1]
        hop = job[2] + 1
        if hop < len(chain):
            job[2] = hop
            up = chain[hop]
            if busy[up]:
                queues[up].append(job)
            else:
                busy[up] = True
                seq += 1
                push(events, (now + expovariate(service_rate), seq, FINISH, up, job))
        else:
            completed += 1
            if job[0] >= warmup_h:
                measured += 1
                total_time += now - job[0]
        waiting = queues[at]
        if waiting:
            seq += 1
            push(events, (now + expovariate(service_rate), seq, FINISH, at, waiting.popleft()))
        else:
            busy[at] = False
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "decisions": completed,
        "measured": measured,
        "decision_time_mean_h": total_time / measured if measured else float("nan"),
        "wall_s": wall,
        "cpu_s": cpu,
        "decisions_per_s": completed / wall if wall else float("nan"),
    }


def simulate_like(model, seed: int) -> dict:
    """Run the reference on the same tree, rates, horizon and warm-up as a validation-mode `model`."""
    scenario = model.params
    validation = scenario.validation
    chains, stations = tree_of(model)
    return simulate(
        chains,
        stations,
        validation.request_rate_per_hour,
        validation.manager_service_rate_per_hour,
        scenario.horizon_hours,
        scenario.warmup_hours,
        seed=seed,
    )


def main() -> None:
    import argparse

    from sim import load_scenario, theory
    from sim.model import OrgModel

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=5000, help="working days to run (default 5000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    scenario = load_scenario("validation/queueing", {"horizon_days": args.days})
    model = OrgModel(scenario, rng=args.seed)
    chains, stations = tree_of(model)
    validation = scenario.validation
    reference = simulate_like(model, seed=args.seed)
    started = time.perf_counter()
    model.run_until(scenario.horizon_hours)
    wall = time.perf_counter() - started
    summary = model.summary()
    done = sum(d.decided_h is not None for d in model.decisions)
    expected = theory.hierarchy_expected_decision_time(
        model.source.requesters, validation.request_rate_per_hour, validation.manager_service_rate_per_hour
    )
    print(f"stations {stations}, requesters {len(chains)}, Jackson mean {expected:.4f} h")
    print(
        f"heapq : {reference['decisions']} decisions, {reference['decisions_per_s']:,.0f}/s, mean {reference['decision_time_mean_h']:.4f} h"
    )
    print(f"orgsim: {done} decisions, {done / wall:,.0f}/s, mean {summary['decision_time_mean_h']:.4f} h")


if __name__ == "__main__":
    main()
