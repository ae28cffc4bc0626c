"""The holacracy against the Holacracy Constitution (v4.1): rep links and time-boxed tactical meetings.

- The rep link is elected by a circle's core members and may not be its lead
  link (art. 2.5.1); a sub-circle's lead link and rep link are core members of
  the super-circle, here the anchor circle (art. 2.3.1).
- A tactical meeting takes up at most floor(tactical_meeting_hours x 60 /
  tension_minutes) tensions, first raised first, the k-th decided at its start
  + k x tension_minutes; the rest wait for the next meeting (docs/ODD.md §7.7).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque

import numpy as np
import pytest

from sim import OrgModel, load_scenario
from sim.calendar import EPSILON_H
from sim.output import orgchart_table
from sim.structures.circles import Circle, tensions_per_meeting
from tests.conftest import run_model


def _built(**overrides) -> OrgModel:
    """A holacracy built (not run) from the baseline with dotted-key overrides."""
    overrides = {"organization.structure": "holacracy", **{k.replace("__", "."): v for k, v in overrides.items()}}
    return OrgModel(load_scenario("baseline", overrides), rng=1)


def _check_links(model: OrgModel) -> int:
    """Every invariant of the lead link and rep link on the org chart; the number of circles checked."""
    structure = model.structure
    table = orgchart_table(model).to_pylist()
    roles_by_circle: dict[str, list[list[str]]] = defaultdict(list)
    for row in table:
        if row["circle"] is not None:
            roles_by_circle[row["circle"]].append(row["roles"])
    anchor_ids = {m.unique_id for m in structure.anchor.members}
    checked = 0
    for circle in structure.circles:
        if circle is structure.anchor:
            continue
        rows = roles_by_circle[circle.name]
        assert len(rows) == len(circle.members)
        assert sum("lead_link" in roles for roles in rows) == 1, circle.name
        assert not any("lead_link" in roles and "rep_link" in roles for roles in rows), circle.name
        if len(circle.members) >= 2:
            assert sum("rep_link" in roles for roles in rows) == 1, circle.name
            assert circle.rep_link is not None and circle.rep_link is not circle.lead_link
            assert "rep_link" in circle.rep_link.roles and circle.rep_link in circle.members
            checked += 1
        else:
            assert circle.rep_link is None and not any("rep_link" in roles for roles in rows)
        # Both are core members of the anchor: in its member list, with its meetings in their calendars.
        for link in circle.core_links():
            assert link.unique_id in anchor_ids, (circle.name, link.unique_id)
            assert structure.anchor.tactical in structure.meetings_of(link)
            assert structure.anchor.governance in structure.meetings_of(link)
    return checked


def test_rep_link_is_elected_apart_from_the_lead_link_and_sits_in_the_anchor():
    model = _built()
    assert _check_links(model) == len(model.structure.circles) - 1  # every sub-circle has two members or more
    # The election rule: the member (not the lead link) with the fewest roles, ties to the lowest id.
    for circle in model.structure.circles[:-1]:
        others = [m for m in circle.members if m is not circle.lead_link]
        fewest = min(len(m.roles) - ("rep_link" in m.roles) for m in others)
        first = min(m.unique_id for m in others if len(m.roles) - ("rep_link" in m.roles) == fewest)
        assert circle.rep_link.unique_id == first


def test_a_circle_of_one_has_no_rep_link():
    model = _built(organization__unit_shares={"finance": 0.002})
    alone = [c for c in model.structure.circles[:-1] if len(c.members) == 1]
    assert alone, "the scenario should have a circle of one person"
    _check_links(model)


def test_links_stay_apart_after_a_circle_splits():
    model = _built(organization__employees=400)
    structure = model.structure
    circle = max(structure.circles_of_unit["ecommerce"], key=lambda c: len(c.members))
    assert structure.relieve(circle.pricing_holder) == "circle split"
    new = structure.circles_of_unit["ecommerce"][-1]
    assert new.rep_link is not None and new.rep_link in structure.anchor.members
    assert _check_links(model) == len(structure.circles) - 1


def test_a_split_leaves_the_roles_of_other_circles_as_they_were():
    """A filler who took on a role in one circle keeps it, and is named for it, when another circle splits."""
    model = _built(organization__employees=400)
    structure = model.structure
    circles = sorted(structure.circles_of_unit["ecommerce"], key=lambda c: len(c.members))
    small, large = circles[0], circles[-1]
    holder = small.pricing_holder
    holder.queue = deque([(model.decision_process, None)] * 400)  # far more than one person's worth of work
    assert model.adaptation.add_fillers(holder, small.members) == "role filler"
    filler_roles = {id(f): list(f.roles) for f in holder.deputies}
    assert all(roles[-1].endswith("(another filler)") for roles in filler_roles.values())
    assert structure.relieve(large.pricing_holder) == "circle split"
    assert {id(f): f.roles for f in holder.deputies} == filler_roles
    assert all(f.principal is holder for f in holder.deputies)


# ----------------------------------------------------------------------------- time-boxed meetings


def _record_turns(monkeypatch) -> list[tuple[Circle, float, float]]:
    """Every tension a meeting decides: (circle, when, when it was raised to the circle)."""
    turns: list[tuple[Circle, float, float]] = []
    take_up = Circle._take_up

    def recording(self, decision):
        turns.append((self, self.structure.model.time, decision.hop_entered_h))
        take_up(self, decision)

    monkeypatch.setattr(Circle, "_take_up", recording)
    return turns


def test_a_tactical_meeting_takes_no_more_tensions_than_its_time_box(monkeypatch):
    # Every discount is beyond a role's (empty) policy, so every discount is a tension; 20 minutes a tension
    # leave room for 3 in an hour's meeting.
    turns = _record_turns(monkeypatch)
    model = run_model(
        organization__structure="holacracy", horizon_days=60,
        holacracy__initial_policy_discount=0.0, holacracy__tension_minutes=20.0,
    )
    settings = model.params.holacracy
    box = tensions_per_meeting(settings.tactical_meeting_hours, settings.tension_minutes)
    assert box == 3
    per_meeting: dict[tuple[int, float], list[float]] = defaultdict(list)
    for circle, when, _ in turns:
        window = circle.tactical.window_containing(when - EPSILON_H)
        assert window is not None, "a tension was decided outside its circle's meeting"
        per_meeting[(id(circle), window[0])].append(when)
    assert per_meeting
    assert max(len(times) for times in per_meeting.values()) == box  # the box binds, and is never exceeded
    turn_h = settings.tension_minutes / 60.0
    for (_, start), times in per_meeting.items():
        expected = [start + k * turn_h for k in range(1, len(times) + 1)]
        assert np.allclose(sorted(times), expected)
    # The rest waited for a later meeting: longer than a whole meeting cycle after they were raised.
    interval_h = model.structure.anchor.tactical.interval_h
    assert any(when - raised > interval_h for _, when, raised in turns)


def test_a_circles_meeting_load_never_exceeds_its_time_box():
    model = run_model(
        organization__structure="holacracy", horizon_days=60,
        holacracy__initial_policy_discount=0.0, holacracy__tension_minutes=20.0,
    )
    minutes = model.params.holacracy.tension_minutes
    shares = []
    for circle in model.structure.circles:
        meetings = circle.tactical.count_until(model.time + EPSILON_H)
        if meetings:
            shares.append(circle.tensions_taken * minutes / 60.0 / (meetings * circle.tactical.duration_h))
    assert 0.9 < max(shares) <= 1.0 + 1e-9  # loaded to the brim, not beyond
    summary = model.summary()
    assert summary["utilization_max"] <= 1.0 + 1e-9 or not summary["bottleneck"].startswith("circle")


def test_a_shorter_time_box_makes_price_decisions_slower():
    def mean_price_time(tension_minutes: float) -> float:
        """Mean time to decision of the discounts asked in the first 30 of 60 days; one still open at the end
        counts until the end (a lower bound), so that the slowest are not left out."""
        times = []
        for seed in (1, 2):
            model = run_model(
                seed=seed, organization__structure="holacracy", horizon_days=60,
                holacracy__initial_policy_discount=0.0, holacracy__tension_minutes=tension_minutes,
            )
            end = model.time
            times += [
                (end if d.decided_h is None else d.decided_h) - d.created_h
                for d in model.decisions
                if d.kind == "PRICE" and d.created_h < 30 * 8
            ]
        return float(np.mean(times))

    roomy, tight = mean_price_time(5.0), mean_price_time(20.0)  # 12 tensions a meeting, or 3
    assert tight > roomy * 1.5, (roomy, tight)


def test_a_tactical_meeting_without_time_for_one_tension_is_rejected():
    with pytest.raises(Exception, match="time for one tension"):
        load_scenario("baseline", {"holacracy.tactical_meeting_hours": 0.05, "holacracy.tension_minutes": 5.0})
    assert math.isclose(load_scenario("baseline", {"holacracy.tactical_meeting_hours": 0.25,
                                                    "holacracy.tension_minutes": 15.0}).holacracy.tension_minutes, 15.0)
