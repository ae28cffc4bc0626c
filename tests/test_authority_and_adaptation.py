"""Delegated authority and an organization that adapts: where decisions stop, and what overload changes."""

import math
from collections import deque

import pytest

from sim import OrgModel, load_scenario
from sim.agents import Employee
from sim.authority import SCHEDULES, UNLIMITED
from sim.records import CUSTOMIZATION, PRICE, Conflict, Decision
from tests.conftest import run_model


def _model(**overrides):
    overrides.setdefault("warmup_days", 0)
    return OrgModel(load_scenario("baseline", {k.replace("__", "."): v for k, v in overrides.items()}), rng=1)


def _staff_with_lead(model):
    """An e-commerce staff member whose manager is a team lead below the head (1,000 employees have them)."""
    head = model.units["ecommerce"].head
    return next(e for e in model.units["ecommerce"].members if not e.reports and e.manager is not head)


def test_a_discount_climbs_only_to_the_lowest_holder_whose_limit_covers_it():
    model = _model(organization__employees=1000)  # graded schedule: staff 5%, lead 10%, head 20%, top beyond
    structure = model.structure
    staff = _staff_with_lead(model)
    general_manager = model.units["management"].head
    assert structure.grantor(staff, PRICE, 0.04) is staff
    assert structure.grantor(staff, PRICE, 0.08) is staff.manager
    assert structure.grantor(staff, PRICE, 0.15) is model.units["ecommerce"].head
    assert structure.grantor(staff, PRICE, 0.22) is general_manager
    chain = structure.chain_up(staff)
    # The path is the chain of command up to the grantor, no further.
    decision = Decision(0, PRICE, staff, 0.0, True, None, True, True, 0.15)
    path = structure.decision_path(decision)
    assert [hop.decider for hop in path] == list(chain[: chain.index(model.units["ecommerce"].head) + 1])


@pytest.mark.parametrize("structure", ["hierarchy", "hybrid"])
def test_the_grantor_is_the_first_on_the_line_of_authority_whose_limit_covers_it(structure):
    """The hierarchy's line is walked, not built (its chain of command after the requester); the grantor is
    the first on the line, read as a list, whose limit covers the amount, else the top: for everyone (a
    hybrid's circle members too), every kind and amounts on both sides of every limit."""
    model = _model(organization__employees=600, organization__structure=structure)
    amounts = (0.0, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, UNLIMITED, math.inf)
    ranks = set()  # the grantors' ranks met: the check covers staff, leads, heads and the top
    for person in model.employees:
        for kind in (PRICE, CUSTOMIZATION):
            for amount in amounts:
                grantor = model.structure.grantor(person, kind, amount)
                line = list(model.structure.line_of_authority(person))
                covering = [holder for holder in line if holder.limits.get(kind, 0.0) >= amount]
                assert grantor is (covering[0] if covering else line[-1])
                if isinstance(grantor, Employee) and grantor.circle is None:  # a hybrid's circle grants too
                    ranks.add(model.structure.rank(grantor))
    assert ranks == {"staff", "lead", "head", "top"}


def test_presets_are_the_first_editions_pricing_authorities_as_schedules():
    staff_limit, lead_limit, head_limit = SCHEDULES["unit"][PRICE]
    assert staff_limit == lead_limit == 0 and head_limit == UNLIMITED
    assert SCHEDULES["frontline"][PRICE][0] == UNLIMITED
    assert SCHEDULES["top"][PRICE] == (0.0, 0.0, 0.0)
    model = _model(organization__employees=1000, policies__pricing_authority="unit")
    staff = _staff_with_lead(model)
    assert model.structure.grantor(staff, PRICE, 0.01) is model.units["ecommerce"].head


def test_holacracy_and_hierarchy_start_from_the_same_limits():
    hierarchy = _model()
    holacracy = _model(organization__structure="holacracy")
    head_limits = hierarchy.units["ecommerce"].head.limits
    for circle in holacracy.structure.circles_of_unit["ecommerce"]:
        assert circle.limits == head_limits and circle.policy == head_limits


def test_delegation_passes_a_ranks_authority_one_level_down_and_no_further():
    model = _model(organization__employees=1000)
    head = model.units["ecommerce"].head
    elsewhere = [e for e in model.employees if e.unit == "sales" and e.level == head.level + 1]
    rank_limit = elsewhere[0].limits[PRICE]
    assert model.adaptation.delegate(head, PRICE)
    # People of one rank may share one table of limits: delegating to some must not reach the others.
    assert all(e.limits[PRICE] == rank_limit < head.own_limits[PRICE] for e in elsewhere)
    for report in head.reports:
        assert report.limits[PRICE] == head.own_limits[PRICE]
        for staff in report.reports:
            assert staff.limits[PRICE] < head.own_limits[PRICE]
    lead = head.reports[0]
    model.adaptation.delegate(lead, PRICE)  # a lead passes on its rank's limit, not what it was given
    assert all(r.limits[PRICE] == lead.own_limits[PRICE] for r in lead.reports)
    assert not model.adaptation.delegate(head, PRICE)  # nothing left to pass on


def test_customizations_ask_more_teams_as_units_split_into_more_teams():
    def mean_gates(employees):
        model = run_model(organization__employees=employees, horizon_days=30)
        gates = [
            sum(hop.gate_teams for hop in d.path if hop.gate_unit) for d in model.decisions if d.kind == CUSTOMIZATION
        ]
        return sum(gates) / len(gates)

    assert mean_gates(1000) > 1.3 * mean_gates(50)


def test_without_adaptation_the_first_editions_saturated_head_returns():
    summary = run_model(
        organization__employees=1000, horizon_days=60, warmup_days=20, policies__adaptation="none",
        policies__pricing_authority="unit",
    ).summary()
    assert summary["utilization_max"] > 0.98
    assert summary["adaptations"] == 0


def test_adaptation_relieves_the_overloaded_and_records_every_change():
    common = dict(organization__employees=1000, horizon_days=80, warmup_days=40, policies__pricing_authority="unit")
    rigid = run_model(policies__adaptation="none", **common)
    adaptive = run_model(**common)
    kinds = {event.kind for event in adaptive.adaptation.events}
    assert any("delegation" in kind for kind in kinds)
    assert adaptive.summary()["utilization_max"] < 0.95 < rigid.summary()["utilization_max"]
    assert adaptive.summary()["decision_time_mean_h"] < 0.5 * rigid.summary()["decision_time_mean_h"]
    assert len(adaptive.adaptation.events) == adaptive.summary()["adaptations"] > 0


def test_deputies_share_an_office_and_their_overload_is_their_principals():
    model = _model(organization__employees=200)
    general_manager = model.units["management"].head
    general_manager.overloaded_since = 0.0
    waiting = Decision(0, PRICE, general_manager, 0.0, True)
    # 30 decisions queued within a day: about 15 hours of the GM's work
    general_manager.queue = deque([(model.decision_process, waiting)] * 30)
    model._time = 8.0
    hired = model.adaptation.add_deputies(general_manager)
    assert hired >= 2 and len(general_manager.deputies) == hired
    assert all(d.principal is general_manager and d.limits == general_manager.limits for d in general_manager.deputies)
    assert len(model.employees) == 200 + hired  # a deputy is a hire


def test_an_office_gives_the_next_item_to_its_least_busy_member_ties_in_turn():
    """The search starts one place further round the office each time; an idle member ends it."""
    model = _model(organization__employees=200)
    principal = model.units["management"].head
    office = [principal, *(model.adaptation.hire("management", "deputy", 0, principal) for _ in range(4))]
    principal.deputies = office[1:]
    backlogs = {0: 3, 1: 2, 2: 5, 3: 2, 4: 4}  # nobody idle: places 1 and 3 have the fewest
    for place, member in enumerate(office):
        member.queue = deque([(None, None)] * backlogs[place])
    principal.office_turn = 0
    assert [office.index(principal.office_member()) for _ in range(5)] == [1, 3, 3, 1, 1]  # searched from 1, 2, 3, 4, 0
    office[4].queue = deque()  # an idle member takes the next item wherever the search starts
    assert {office.index(principal.office_member()) for _ in range(5)} == {4}
    assert office[2].office_member() is office[2]  # a deputy has no deputies: an office of one


def test_an_integrator_relays_requests_and_resolves_conflicts_between_linked_units():
    model = _model(organization__employees=300)
    model.adaptation.link_units(model.structure, {frozenset(("ecommerce", "rnd")), frozenset(("ecommerce", "sales"))})
    integrator = model.structure.lateral[frozenset(("ecommerce", "sales"))]
    assert integrator.roles[0].startswith("integrator") and integrator in model.employees
    model.run_until(30 * 8)
    general_manager = model.units["management"].head
    channel = [c for c in model.conflicts if c.kind == "channel" and c.resolved_h is not None]
    assert channel and all(c.resolver_id != general_manager.unique_id for c in channel)
    via = model.structure.lateral[frozenset(("ecommerce", "rnd"))]
    customizations = [d for d in model.decisions if d.kind == CUSTOMIZATION and d.requester.unit == "ecommerce"]
    assert customizations and all(any(hop.decider is via for hop in d.path) for d in customizations)


def test_holacracy_spreads_customizations_over_every_circle_of_a_function():
    model = run_model(organization__structure="holacracy", organization__employees=1000, horizon_days=40)
    rnd = model.structure.circles_of_unit["rnd"]
    asked = {
        id(hop.decider if hop.meeting else hop.decider.circle)
        for d in model.decisions
        if d.kind == CUSTOMIZATION
        for hop in d.path
        if hop.gate_unit == "rnd"
    }
    assert len(rnd) > 3 and asked >= {id(c) for c in rnd}


def test_a_large_circle_splits_under_lasting_overload():
    model = _model(organization__structure="holacracy", organization__employees=400)
    circle = max(model.structure.circles_of_unit["ecommerce"], key=lambda c: len(c.members))
    before, size = len(model.structure.circles), len(circle.members)
    assert model.structure.relieve(circle.pricing_holder) == "circle split"
    assert len(model.structure.circles) == before + 1 and len(circle.members) == size // 2
    new = model.structure.circles_of_unit["ecommerce"][-1]
    assert new.lead_link in model.structure.anchor.members
    assert all(m.circle is new for m in new.members)
    assert math.isclose(sum(len(c.members) for c in model.structure.circles_of_unit["ecommerce"]),
                        len(model.units["ecommerce"].members))


def test_a_team_shares_one_path_per_grantor():
    """Members of one team asking for what their lead's manager grants take the same hops, held once; a member
    who may grant it alone decides it alone."""
    model = _model(organization__employees=1000)
    staff = _staff_with_lead(model)
    mate = next(e for e in staff.manager.reports if e is not staff)
    paths = [model.decision_process.request(PRICE, who, True, None, True, 0.15).path for who in (staff, mate)]
    assert paths[0] is paths[1] and paths[0][0].decider is staff.manager
    alone = model.decision_process.request(PRICE, staff, True, None, True, 0.01).path
    assert [hop.decider for hop in alone] == [staff]


def _calendars(model) -> list:
    return [(e.unique_id, list(e.calendar.recurrences), e.calendar.vacant_until) for e in model.employees]


@pytest.mark.parametrize("structure", ["holacracy", "hybrid", "hierarchy"])
def test_a_change_of_meetings_gives_new_calendars_to_exactly_those_it_changes(structure):
    """A split or a new liaison refreshes only the calendars of those whose meetings changed: the same
    calendars as rebuilding everyone's, which a large company cannot afford at every split."""
    model = _model(organization__structure=structure, organization__employees=400)
    model.employees[7].calendar = model.employees[7].calendar.vacant(50.0)  # a vacancy outlasts the refresh
    if structure == "hierarchy":
        model.adaptation.link_units(model.structure, {frozenset(("ecommerce", "rnd"))})
    else:
        circle = max(model.structure.circles_of_unit["ecommerce"], key=lambda c: len(c.members))
        assert model.structure.relieve(circle.pricing_holder) == "circle split"
    refreshed = _calendars(model)
    model.refresh_calendars(model.employees)
    assert refreshed == _calendars(model)
    assert model.employees[7].calendar.vacant_until == 50.0


def test_the_choice_of_relief_follows_the_overloads_work_not_the_queue_of_the_moment():
    """A head that granted most of what it was asked over the overload delegates, though a busy-share
    review finds its queue empty at that moment (a snapshot of the queue would have hired deputies)."""
    model = _model(organization__employees=1000, policies__pricing_authority="unit")
    head = model.units["ecommerce"].head
    staff = _staff_with_lead(model)
    model._time = 24.0  # day 3: the window of overload_days (3) holds every decision below
    for n in range(12):
        decision = model.decision_process.request(PRICE, staff, True, None, True, 0.05)
        assert decision.path[-1].decider is head  # the head grants it under the "unit" schedule
        model.decisions[n].created_h = 1.0 + n
    head.queue = deque()
    assert model.adaptation.decisions_through(head)
    assert model.structure.relieve(head) == "delegation"
    assert all(report.limits[PRICE] == head.own_limits[PRICE] for report in head.reports)
    old = model.decisions[0]
    old.created_h = -100.0  # before the window: no longer counted
    model.decisions[:] = [old]
    assert model.adaptation.decisions_through(head) == []


def test_an_office_that_grants_and_hosts_conflicts_gets_both_remedies_at_once():
    """The general manager grants discounts and is where sales and e-commerce meet: one relief delegates
    and links the two units, so neither kind of work piles up while the other is fixed; no deputy."""
    model = _model(organization__employees=300, policies__pricing_authority="top")
    general_manager = model.units["management"].head
    staff = _staff_with_lead(model)
    model._time = 24.0
    for _ in range(6):
        decision = model.decision_process.request(PRICE, staff, True, None, True, 0.05)
        assert decision.path[-1].decider is general_manager
    general_manager.queue = deque([(None, Conflict(0, "channel", "sales", "ecommerce", 20.0))])
    assert model.structure.relieve(general_manager) == "delegation and lateral relation"
    assert frozenset(("sales", "ecommerce")) in model.structure.lateral
    assert not general_manager.deputies
