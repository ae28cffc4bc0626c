"""What one participant may ask of a shared dashboard server, checked on the server.

A room of 20-30 people shares one machine: one participant's 20,000-employee,
100,000-day comparison must not starve everyone else. The limits are read from
environment variables (`orgsim dashboard` sets them from its options), checked
by `session.build_scenario` and `comparison.compare_structures`, and stated on
the page by `Limits.caption`.

The defaults come from measured cost: about 1.75e-5 s per employee-day here
(2,000 employees for 40 days: 1.2-1.6 s per structure), so a comparison of
three structures stays under about 30 s at 500,000 employee-days per structure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sim.scenario import ScenarioError

ENV = {
    "max_employees": "ORGSIM_MAX_EMPLOYEES",
    "max_days": "ORGSIM_MAX_DAYS",
    "max_compare_days": "ORGSIM_MAX_COMPARE_DAYS",
    "max_compare_employee_days": "ORGSIM_MAX_COMPARE_EMPLOYEE_DAYS",
}


@dataclass(frozen=True)
class Limits:
    """The most one session may ask for: company size, days of a run, and the size of a comparison."""

    max_employees: int = 5_000
    max_days: int = 2_000  # the bundled validation/abandonment scenario runs 1,980 days (20 employees)
    max_compare_days: int = 400
    max_compare_employee_days: int = 500_000  # employees x days, per structure: about 30 s for three

    @classmethod
    def from_env(cls, environ=None) -> Limits:
        """The limits the server was started with; a variable unset or not a positive integer keeps the default."""
        environ = os.environ if environ is None else environ
        values = {}
        for field, variable in ENV.items():
            text = environ.get(variable, "").strip().replace("_", "").replace(",", "")
            if text.isdigit() and int(text) > 0:
                values[field] = int(text)
        return cls(**values)

    def check_run(self, employees: int, days: int) -> None:
        """ScenarioError, in plain words, when a company is larger or runs longer than this server allows."""
        if employees > self.max_employees:
            raise ScenarioError(
                f"Employees must be at most {self.max_employees:,} on this server (you asked for {employees:,})."
            )
        if days > self.max_days:
            raise ScenarioError(
                f"A run may last at most {self.max_days:,} days on this server (this one asks for {days:,})."
            )

    def compare_days_allowed(self, employees: int) -> int:
        """The most days a comparison of a company of `employees` may run."""
        return max(0, min(self.max_compare_days, self.max_compare_employee_days // max(1, employees)))

    def check_comparison(self, employees: int, days: int) -> None:
        """ScenarioError, in plain words, when a comparison of `days` days at `employees` is too large."""
        allowed = self.compare_days_allowed(employees)
        if days < 1 or days > allowed:
            raise ScenarioError(
                f"Days to run must be between 1 and {allowed:,} for {employees:,} employees on this server."
            )

    def caption(self) -> str:
        """The limits in one line, for the page."""
        return (
            f"Limits on this server: at most {self.max_employees:,} employees and {self.max_days:,} days per run; "
            f"a comparison runs at most {self.max_compare_days:,} days and "
            f"{self.max_compare_employee_days:,} employee-days per structure."
        )


def current() -> Limits:
    """The limits in force now (read each time, so a test or the CLI can set them before a session starts)."""
    return Limits.from_env()
