"""The people over time: skill that training raises, turnover, vacancies and new hires.

A person who leaves is replaced in the same position (and queue) after a
vacancy, by a hire with less skill; training closes part of the skill gap
every hour spent in it (diminishing returns).

Each unit has its own turnover: `policies.turnover_per_year` times the unit's
multiplier (`[unit_turnover]`; e-commerce's is higher, seed 004). Departures
are drawn by thinning: candidates arrive at the highest unit rate times the
headcount, anyone but the general manager is picked uniformly, and the pick
leaves with probability its unit's multiplier over the highest (always, when
every unit has the same). One draw or two per candidate, whatever the headcount.
"""

from __future__ import annotations

from pydantic import Field

from sim.calendar import WORKING_DAYS_PER_MONTH, WORKING_DAYS_PER_YEAR, WORKING_HOURS_PER_DAY, Recurrence
from sim.scenario_settings import Settings


class UnitTurnoverSettings(Settings):
    """`[unit_turnover]`: each unit's turnover as a multiple of `policies.turnover_per_year` (docs/ODD.md §7.11)."""

    # Seed 004: high turnover in e-commerce; 1.5 = 18% / 12%, corporate e-retail jobs against all corporate
    # retail jobs (Hay Group survey, Internet Retailer 2012; one year's figures: docs/ODD.md Parameters).
    ecommerce: float = Field(1.5, ge=0.0, le=10.0)
    sales: float = Field(1.0, ge=0.0, le=10.0)
    rnd: float = Field(1.0, ge=0.0, le=10.0)
    production: float = Field(1.0, ge=0.0, le=10.0)
    logistics: float = Field(1.0, ge=0.0, le=10.0)
    finance: float = Field(1.0, ge=0.0, le=10.0)


class Workforce:
    """Training, turnover and replacement for one model's employees."""

    def __init__(self, model):
        self.model = model
        policies = model.params.policies
        self.multiplier = {"management": 0.0, **model.params.unit_turnover.model_dump()}
        # The highest multiplier of a unit that has people: candidates are drawn at its rate.
        self.highest = max((self.multiplier[name] for name in model.units), default=0.0)
        self.left = dict.fromkeys(self.multiplier, 0)  # departures by unit since the start
        self.training = (
            Recurrence(WORKING_DAYS_PER_MONTH * WORKING_HOURS_PER_DAY, 2 * WORKING_HOURS_PER_DAY, policies.training_hours_per_month)
            if policies.training_hours_per_month > 0
            else None
        )

    def start(self) -> None:
        """Schedule the first departure (the validation mode's staff never leave)."""
        turnover = self.model.params.policies.turnover_per_year * self.highest
        if self.model.source.staff_turn_over and turnover > 0:
            self._schedule_next_departure()

    def trained_skill(self, employee) -> float:
        """Skill after the training sessions held since hiring (each hour closes a share of the gap)."""
        training = self.training
        if training is None:
            return employee.base_skill
        model = self.model
        sessions = training.count_until(model.time) - training.count_until(employee.hired_h)
        hours = sessions * training.duration_h
        gain = model.params.policies.skill_gain_per_training_hour
        return 1.0 - (1.0 - employee.base_skill) * (1.0 - gain) ** hours

    def _schedule_next_departure(self) -> None:
        model = self.model
        rate = model.params.policies.turnover_per_year * self.highest
        per_hour = rate * len(model.employees) / (WORKING_DAYS_PER_YEAR * WORKING_HOURS_PER_DAY)
        model.schedule_at(model.time + model.people_random.expovariate(per_hour), self._employee_leaves)

    def _employee_leaves(self, _=None) -> None:
        """Someone may leave (thinning, by unit); after a vacancy a less experienced hire takes over the
        position and its queue."""
        model = self.model
        draw = model.people_random
        # Anyone but the general manager (index 0); indexing, not a copy of the list, keeps this O(1).
        candidate = model.employees[1 + draw.randrange(len(model.employees) - 1)]
        multiplier = self.multiplier[candidate.unit]
        if multiplier >= self.highest or draw.random() * self.highest < multiplier:
            self.replace(candidate)
        self._schedule_next_departure()

    def shock(self, share: float) -> None:
        """A share of everyone but the general manager leaves at once (a reorganization's buyout)."""
        model = self.model
        leaving = int(round(share * (len(model.employees) - 1)))
        for employee in model.people_random.sample(model.employees[1:], leaving):
            self.replace(employee)

    def replace(self, employee) -> None:
        """A new hire takes the position after a vacancy, with skill drawn below the unit's mean."""
        model = self.model
        organization, policies = model.params.organization, model.params.policies
        mean_skill = organization.skill_mean - policies.new_hire_skill_gap
        if employee.unit != "ecommerce":
            mean_skill -= organization.other_units_skill_gap
        employee.base_skill = min(1.0, max(0.0, model.people_random.gauss(mean_skill, organization.skill_sd)))
        employee.hired_h = model.time
        employee.calendar = employee.calendar.vacant(model.time + policies.vacancy_days * WORKING_HOURS_PER_DAY)
        model.departures += 1
        self.left[employee.unit] += 1

    def totals(self) -> dict[str, int]:
        """Departures by unit so far (the summary's baseline at the warm-up's end)."""
        return dict(self.left)

    def measured(self, since: dict[str, int]) -> dict:
        """Annual turnover after the warm-up, of e-commerce and of the other units (management aside)."""
        model = self.model
        years = (model.time - model.measured_from.time_h) / (WORKING_DAYS_PER_YEAR * WORKING_HOURS_PER_DAY)
        others = [name for name in model.units if name not in ("ecommerce", "management")]
        result = {}
        for key, names in (("ecommerce", ["ecommerce"]), ("other", others)):
            left = sum(self.left[name] - since.get(name, 0) for name in names)
            people = sum(len(model.units[name].members) for name in names)
            result[f"{key}_turnover_per_year"] = left / people / years if people and years > 0 else float("nan")
        return result
