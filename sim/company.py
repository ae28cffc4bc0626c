"""Hiring the company: headcount split over units, each person's skill, and everyone's calendar."""

from __future__ import annotations

import typing

from sim.agents import Employee, Unit
from sim.calendar import WORKING_HOURS_PER_DAY, Calendar, Recurrence
from sim.scenario import UnitName

# Every function the company has; management holds the general manager only.
UNIT_NAMES = ("management", *typing.get_args(UnitName))


def allocate_units(total: int, shares: dict[str, float], ecommerce_staff: int | None) -> dict[str, int]:
    """Split `total` employees (the general manager excluded) over units by share (largest remainder)."""
    counts: dict[str, int] = {}
    rest = total
    shares = {k: v for k, v in shares.items() if v > 0}
    if ecommerce_staff is not None:
        counts["ecommerce"] = min(ecommerce_staff, max(1, total - (len(shares) - 1)))
        rest -= counts["ecommerce"]
        shares = {k: v for k, v in shares.items() if k != "ecommerce"}
    # Every unit with a positive share gets at least one person.
    weight = sum(shares.values())
    exact = {k: rest * v / weight for k, v in shares.items()}
    floor = {k: max(1, int(x)) for k, x in exact.items()}
    left = rest - sum(floor.values())
    for name in sorted(exact, key=lambda k: (exact[k] - int(exact[k]), k), reverse=True):
        if left <= 0:
            break
        floor[name] += 1
        left -= 1
    for name in sorted(floor, key=lambda k: floor[k], reverse=True):
        while left < 0 and floor[name] > 1:
            floor[name] -= 1
            left += 1
    counts.update(floor)
    return counts


def hire(model) -> tuple[dict[str, Unit], list[Employee]]:
    """Every unit and its members, skills drawn from the organization's stream; a unit's first member heads it."""
    organization = model.params.organization
    counts = allocate_units(organization.employees - 1, organization.unit_shares, organization.ecommerce_staff)
    rng = model.people_random
    units: dict[str, Unit] = {}
    employees: list[Employee] = []
    for name in UNIT_NAMES:
        size = 1 if name == "management" else counts.get(name, 0)
        if size == 0:
            continue
        unit = Unit(model, name)
        units[name] = unit
        mean_skill = organization.skill_mean - (0.0 if name == "ecommerce" else organization.other_units_skill_gap)
        for _ in range(size):
            skill = min(1.0, max(0.0, rng.gauss(mean_skill, organization.skill_sd)))
            employee = Employee(model, name, skill)
            employee.remote = name != "management" and rng.random() < model.params.policies.remote_share
            unit.members.append(employee)
            employees.append(employee)
        unit.head = unit.members[0]
    return units, employees


def assign_calendars(model, people=None) -> None:
    """Meetings (structure and committee), training and side work block each person's time: everyone's, or
    only that of `people` (those whose meetings changed)."""
    organization = model.params.organization
    side_work = None
    if organization.ecommerce_placement in ("in_it", "in_marketing") and organization.side_work_share > 0:
        # Staff placed in another department also do that department's work, every day.
        hours = organization.side_work_share * WORKING_HOURS_PER_DAY
        side_work = Recurrence(WORKING_HOURS_PER_DAY, WORKING_HOURS_PER_DAY - hours, hours)
    committee = model.committee
    committee_members = {id(e) for e in committee.members()} if committee else set()
    training = model.workforce.training
    chosen = model.employees if people is None else {id(e): e for e in people}.values()  # each person once
    for employee in chosen:
        coordination = [*model.structure.meetings_of(employee), *model.adaptation.meetings_of(employee)]
        if id(employee) in committee_members:
            coordination.append(committee.meeting)
        other = [training] if training else []
        if side_work is not None and employee.unit == "ecommerce":
            other.append(side_work)
        employee.coordination = coordination
        employee.calendar = Calendar.of(coordination + other, employee.calendar.vacant_until)  # a vacancy outlasts a reorganization
