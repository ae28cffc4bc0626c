"""The people over time: skill that training raises, turnover, vacancies and new hires.

A person who leaves is replaced in the same position (and queue) after a
vacancy, by a hire with less skill; training closes part of the skill gap
every hour spent in it (diminishing returns).
"""

from __future__ import annotations

from sim.calendar import WORKING_DAYS_PER_MONTH, WORKING_DAYS_PER_YEAR, WORKING_HOURS_PER_DAY, Recurrence


class Workforce:
    """Training, turnover and replacement for one model's employees."""

    def __init__(self, model):
        self.model = model
        policies = model.params.policies
        self.training = (
            Recurrence(WORKING_DAYS_PER_MONTH * WORKING_HOURS_PER_DAY, 2 * WORKING_HOURS_PER_DAY, policies.training_hours_per_month)
            if policies.training_hours_per_month > 0
            else None
        )

    def start(self) -> None:
        """Schedule the first departure (the validation mode's staff never leave)."""
        if self.model.source.staff_turn_over and self.model.params.policies.turnover_per_year > 0:
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
        per_hour = model.params.policies.turnover_per_year * len(model.employees) / (WORKING_DAYS_PER_YEAR * WORKING_HOURS_PER_DAY)
        model.schedule_at(model.time + model.org_random.expovariate(per_hour), self._employee_leaves)

    def _employee_leaves(self, _=None) -> None:
        """Someone leaves; after a vacancy a less experienced hire takes over the position and its queue."""
        model = self.model
        # Anyone but the general manager (index 0); indexing, not a copy of the list, keeps this O(1).
        self.replace(model.employees[1 + model.org_random.randrange(len(model.employees) - 1)])
        self._schedule_next_departure()

    def shock(self, share: float) -> None:
        """A share of everyone but the general manager leaves at once (a reorganization's buyout)."""
        model = self.model
        leaving = int(round(share * (len(model.employees) - 1)))
        for employee in model.org_random.sample(model.employees[1:], leaving):
            self.replace(employee)

    def replace(self, employee) -> None:
        """A new hire takes the position after a vacancy, with skill drawn below the unit's mean."""
        model = self.model
        organization, policies = model.params.organization, model.params.policies
        mean_skill = organization.skill_mean - policies.new_hire_skill_gap
        if employee.unit != "ecommerce":
            mean_skill -= organization.other_units_skill_gap
        employee.base_skill = min(1.0, max(0.0, model.org_random.gauss(mean_skill, organization.skill_sd)))
        employee.hired_h = model.time
        employee.calendar.leave_vacant_until(model.time + policies.vacancy_days * WORKING_HOURS_PER_DAY)
        model.departures += 1
