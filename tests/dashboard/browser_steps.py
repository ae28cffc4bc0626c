"""Steps the browser tests take on the dashboard page, written once."""

from __future__ import annotations


def set_comparison_days(page, days: str) -> None:
    """Open the Compare structures tab and enter `days` in its Days to run field."""
    page.get_by_role("tab", name="Compare structures").click()
    field = page.get_by_label("Days to run")
    field.fill(days)
    field.press("Enter")
