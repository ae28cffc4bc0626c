"""Behaviour of the model core: conservation, determinism, common random numbers, outputs."""

import math
from pathlib import Path

import pytest

from sim import OrgModel, load_scenario
from sim.metrics import HEADLINE_METRICS, RUN_FIELDS
from sim.metrics import OUTCOMES
from tests.conftest import run_model


def test_every_inquiry_ends_in_exactly_one_outcome(structure):
    model = run_model(organization__structure=structure, horizon_days=60)
    summary = model.summary()
    outcomes = [i.outcome for i in model.inquiries]
    assert set(outcomes) <= set(OUTCOMES) | {"open"}
    assert summary["inquiries"] == len(model.inquiries) > 500
    assert summary["converted"] + sum(summary[r] for r in OUTCOMES if r != "converted") + summary["open_at_end"] == summary["inquiries"]
    for reason in OUTCOMES:
        assert summary[reason] == outcomes.count(reason)
    # Closed inquiries have a closing time; open ones are still in the organization. An inquiry ends
    # without an answer only when its customer walked away first (lost_slow).
    assert all((i.closed_h is None) == (i.outcome == "open") for i in model.inquiries)
    assert all(i.answered_h is not None or i.walked_away or i.outcome == "open" for i in model.inquiries)
    assert all(i.outcome == "lost_slow" for i in model.inquiries if i.walked_away)
    assert summary["revenue"] == pytest.approx(sum(i.revenue for i in model.inquiries))


def test_every_decision_and_conflict_ends_once(structure):
    model = run_model(organization__structure=structure, horizon_days=60)
    for decision in model.decisions:
        assert decision.outcome in ("approved", "rejected", "refused", "abandoned", "open")
        if decision.outcome == "abandoned":  # dropped unseen because its customer left
            assert decision.inquiry.walked_away
        assert (decision.decided_h is None) == (decision.outcome == "open")
        if decision.decided_h is not None:
            assert decision.decided_h >= decision.created_h
    open_conflicts = [c for c in model.conflicts if c.resolved_h is None]
    assert model.summary()["conflicts_open_at_end"] == len(open_conflicts)
    for unit in model.units.values():
        assert all(count >= 0 for count in unit.open_conflicts.values())


def test_same_seed_same_numbers_different_seed_different(structure):
    first = run_model(organization__structure=structure, horizon_days=40, seed=11).summary()
    again = run_model(organization__structure=structure, horizon_days=40, seed=11).summary()
    other = run_model(organization__structure=structure, horizon_days=40, seed=12).summary()
    assert first == again
    assert first["inquiries"] != other["inquiries"] or first["revenue"] != other["revenue"]


def test_structures_on_one_seed_face_the_same_customers():
    hierarchy = run_model(organization__structure="hierarchy", horizon_days=40, seed=5)
    holacracy = run_model(organization__structure="holacracy", horizon_days=40, seed=5)
    key = lambda i: (i.arrived_h, i.region, i.customized, i.wtp, i.order_value, i.half_life_h)  # noqa: E731
    assert [key(i) for i in hierarchy.inquiries] == [key(i) for i in holacracy.inquiries]
    # ...while the organizations do handle them differently.
    assert hierarchy.summary()["decision_time_mean_h"] != holacracy.summary()["decision_time_mean_h"]


def test_summary_has_every_headline_metric(structure):
    summary = run_model(organization__structure=structure, horizon_days=10).summary()
    assert list(summary) == [*RUN_FIELDS, *HEADLINE_METRICS]
    assert summary["structure"] == structure and summary["employees"] == 200
    assert 0 <= summary["conversion_rate"] <= 1
    assert 0 < summary["coordination_overhead_share"] < 1


def test_mesa_time_controls_advance_the_same_run():
    scenario = load_scenario("baseline", {"horizon_days": 5, "warmup_days": 0})
    stepped = OrgModel(scenario, rng=3)
    for _ in range(40):  # one step is one working hour
        stepped.step()
    assert stepped.time == pytest.approx(40.0)
    whole = OrgModel(scenario, rng=3)
    whole.run_until(40)
    assert stepped.summary() == whole.summary()
    assert len(stepped.datacollector.get_model_vars_dataframe()) == 5


def test_a_span_runs_every_event_due_at_its_end_and_none_after():
    model = OrgModel(load_scenario("baseline", {"horizon_days": 5, "warmup_days": 0}), rng=3)
    ran = []
    model.schedule_at(10.0, ran.append, "at the end")
    model.schedule_at(10.000001, ran.append, "just after")
    model.run_until(10.0)
    assert ran == ["at the end"] and model.time == 10.0
    model.schedule_at(10.0, ran.append, "scheduled at the end, after the span")
    model.run_until(10.0)  # a span that ends where it starts still runs what is due now
    with pytest.warns(RuntimeWarning):  # Mesa warns of an end in the past; it moves nothing
        model.run_until(9.0)
    assert model.time == 10.0
    model.run_until(11.0)
    assert ran == ["at the end", "scheduled at the end, after the span", "just after"]


def test_events_run_in_time_order_and_ties_in_scheduling_order():
    import random

    model = OrgModel(load_scenario("baseline", {"horizon_days": 5, "warmup_days": 0}), rng=3)
    model._events.clear()  # only this test's events
    draw = random.Random(11)
    scheduled, ran = [], []
    for order in range(2_000):
        due = 1.0 + draw.choice((0.5, 1.25, 2.0, draw.uniform(0.0, 3.0)))  # many ties
        scheduled.append((due, order))
        model.schedule_at(due, ran.append, (due, order))
    expected = sorted(scheduled)  # by time, then by the order of scheduling
    assert [argument for _, _, argument in model.pending()] == expected
    model.run_until(4.5)
    assert ran == expected and model.pending() == []


def test_a_failing_event_leaves_the_run_able_to_go_on():
    model = OrgModel(load_scenario("baseline", {"horizon_days": 5, "warmup_days": 0}), rng=3)
    ran = []

    def fail(_):
        raise RuntimeError("boom")

    model.schedule_at(5.0, fail)
    model.schedule_at(15.0, ran.append, "later")
    with pytest.raises(RuntimeError, match="boom"):
        model.run_until(10.0)
    model.run_until(20.0)  # the interrupted span's end must not stop this one at 10
    assert ran == ["later"] and model.time == 20.0


def test_employees_are_mesa_agents_with_the_requested_headcount(structure):
    model = OrgModel(load_scenario("baseline", {"organization.structure": structure, "organization.employees": 57}))
    assert len(model.employees) == 57
    from sim.agents import Employee

    assert len(model.agents_by_type[Employee]) == 57
    assert sum(len(u.members) for u in model.units.values()) == 57
    assert all(e.unit == "ecommerce" for e in model.staff)


def test_fixed_inquiry_rate_does_not_grow_with_size():
    small = run_model(organization__employees=50, market__inquiry_rate_mode="fixed", horizon_days=60)
    large = run_model(organization__employees=400, market__inquiry_rate_mode="fixed", horizon_days=60)
    assert abs(len(small.inquiries) - len(large.inquiries)) < 0.1 * len(small.inquiries)
    scaled_small = run_model(organization__employees=50, horizon_days=60)
    scaled_large = run_model(organization__employees=400, horizon_days=60)
    assert len(scaled_large.inquiries) > 6 * len(scaled_small.inquiries)


def test_slower_answers_lose_more_leads():
    fast = run_model(horizon_days=60, work__quote_hours=0.5).summary()
    slow = run_model(horizon_days=60, work__quote_hours=3.0).summary()
    assert slow["response_time_mean_h"] > fast["response_time_mean_h"]
    assert slow["lost_slow"] / slow["inquiries"] > fast["lost_slow"] / fast["inquiries"]


def test_run_writes_every_result_file(tmp_path):
    import json

    import pyarrow.parquet as pq

    from sim.output import write_run

    model = run_model(horizon_days=10)
    write_run(tmp_path, model, model.summary())
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary) == {*RUN_FIELDS, *HEADLINE_METRICS}
    columns = {name: pq.read_schema(tmp_path / f"{name}.parquet").names for name in
               ("timeseries", "inquiries", "decisions", "conflicts", "orgchart")}
    assert {"id", "kind", "requester_id", "created_h", "decided_h", "deciders", "outcome"} <= set(columns["decisions"])
    assert {"employee_id", "unit", "level", "manager_id", "circle", "roles"} <= set(columns["orgchart"])
    assert {"day", "inquiries", "converted", "conversion_rate", "decision_time_mean_h", "conflicts_open"} <= set(columns["timeseries"])
    assert pq.read_table(tmp_path / "inquiries.parquet").num_rows == summary["inquiries"]
    assert pq.read_table(tmp_path / "decisions.parquet").num_rows == len(model.decisions)
    assert not list(tmp_path.glob(".*.tmp"))
    assert math.isfinite(summary["decision_time_mean_h"])


@pytest.mark.parametrize("name", ["baseline", "zappos_transition", "validation/queueing", "sme_misunderstandings"])
def test_the_model_adds_no_attribute_outside_its_slots(name):
    # CPython reads an instance's attributes from a fast inline array only while it has at most 30;
    # Mesa's Model sets 21, so every attribute orgsim adds must be one of OrgModel.__slots__.
    import mesa

    shorter = {"reorganization__day": 20} if name == "zappos_transition" else {}  # the switch within the 40 days
    model = run_model(name, horizon_days=40, policies__committee="weekly", policies__remote_share=0.3, **shorter)
    assert set(vars(model)) <= set(vars(mesa.Model(rng=1)))
    assert len(vars(model)) <= 30


def test_models_a_process_drops_are_collected_without_help():
    # A sweep worker or a notebook runs model after model; Python's own collections must free the
    # dropped ones (they are full of agent <-> model cycles) without an explicit gc.collect().
    # In a fresh interpreter: how soon Python collects depends on how many objects it holds.
    import subprocess
    import sys

    script = (
        "import weakref\n"
        "from tests.conftest import run_model\n"
        "refs = []\n"
        "for seed in range(150):\n"
        "    refs.append(weakref.ref(run_model(horizon_days=5, seed=seed)))\n"
        "print(sum(ref() is not None for ref in refs))\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True)
    assert int(done.stdout) < 75  # the daily gc.freeze() this replaced kept all 150


def test_a_run_leaves_the_callers_collector_as_it_found_it():
    import gc

    kept = []
    kept.append(kept)  # a cycle: tracked by the collector
    gc.collect()
    gc.freeze()  # as a process does before forking workers
    try:
        assert not any(obj is kept for obj in gc.get_objects())  # frozen objects are in no generation
        run_model(horizon_days=10)
        assert gc.isenabled()
        assert not any(obj is kept for obj in gc.get_objects())  # still frozen
        gc.disable()
        run_model(horizon_days=10)
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_validation_request_takes_the_path_a_full_decision_would(structure):
    # The queueing network finds each requester's path once, with a request whose fixed fields are
    # class constants: the structure must route it exactly as a full Decision of the same request.
    from sim.records import VALIDATION, Decision
    from sim.validation_mode import ValidationRequest

    model = run_model("validation/queueing", horizon_days=20, warmup_days=0, organization__structure=structure)
    source = model.source
    assert len(source.paths) == len(source.requesters) > 10
    for requester, path in zip(source.requesters, source.paths):
        full = Decision(0, VALIDATION, requester, 0.0, True, None, True, False, math.inf)
        assert path == tuple(model.structure.decision_path(full))
    assert all(d.path == source.paths[source.requesters.index(d.requester)] for d in model.decisions)
    with pytest.raises(AttributeError):
        ValidationRequest(0, source.requesters[0], 0.0).kind = "PRICE"  # fixed for every request
