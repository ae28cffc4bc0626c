"""The dashboard in a real browser (Chromium, offline assets): what a workshop participant does.

Each xdist worker runs its own Solara server (pytest-ipywidgets gives each a port).
"""

import csv
import io
import re
import time

from browser_steps import set_comparison_days

from sim import metrics


def metric(page, key: str) -> str:
    return page.locator(f".orgsim-metric-{key} .orgsim-metric-value").inner_text()


def test_page_loads_offline_without_console_errors(dashboard):
    page, errors = dashboard
    assert metric(page, "day") == "0 of 100"
    page.locator(".orgsim-org-hierarchy img").wait_for()
    page.get_by_role("tab", name="Compare structures").wait_for()
    assert errors == [], errors


def test_step_advances_time_and_changes_the_metrics(dashboard):
    page, errors = dashboard
    before = (metric(page, "inquiries"), metric(page, "revenue"))
    page.get_by_role("button", name="Step (1 day)").click()
    page.locator(".orgsim-metric-day .orgsim-metric-value", has_text="1 of 100").wait_for()
    page.get_by_role("button", name="Step (1 day)").click()
    page.locator(".orgsim-metric-day .orgsim-metric-value", has_text="2 of 100").wait_for()
    after = (metric(page, "inquiries"), metric(page, "revenue"))
    assert after != before
    assert int(after[0].replace(",", "")) > 0
    assert errors == [], errors


def test_switching_structure_changes_the_org_view(dashboard):
    page, _ = dashboard
    page.locator(".orgsim-org-hierarchy").wait_for()
    page.get_by_role("button", name="holacracy").click()
    page.locator(".orgsim-org-circles").wait_for()
    assert page.locator(".orgsim-org-hierarchy").count() == 0
    page.get_by_text("Each disc is a circle").wait_for()
    page.get_by_role("button", name="hybrid").click()
    page.locator(".orgsim-org-hybrid").wait_for()


def test_invalid_input_blocks_step_and_play_until_it_is_fixed(dashboard):
    page, _ = dashboard
    employees = page.get_by_label("Employees")
    employees.fill("3")
    employees.press("Enter")
    error = page.locator(".orgsim-error")
    error.wait_for()
    assert "employees" in error.inner_text().lower()
    assert page.locator(".orgsim-step").is_disabled() and page.locator(".orgsim-play").is_disabled()
    employees.fill("50")
    employees.press("Enter")
    error.wait_for(state="detached")  # the old message goes with the new valid input
    page.get_by_text("50 people under").wait_for()
    page.get_by_role("button", name="Step (1 day)").click()
    page.locator(".orgsim-metric-day .orgsim-metric-value", has_text="1 of 100").wait_for()


def test_play_repaints_while_playing_and_pause_stops_it(dashboard):
    page, errors = dashboard
    for attempt in range(10):
        page.get_by_role("button", name="Play", exact=True).click()
        seen = {metric(page, "day")}
        deadline = time.monotonic() + 5
        while len(seen) < 3 and time.monotonic() < deadline:  # at 1 day per update, every update repaints
            page.wait_for_timeout(50)
            seen.add(metric(page, "day"))
        assert len(seen) >= 3, f"try {attempt + 1}: the day counter showed only {sorted(seen)} in 5 s of play"
        page.get_by_role("button", name="Pause", exact=True).click()
        page.wait_for_timeout(1_000)  # the update under way when Pause came may still paint
        stopped = metric(page, "day")
        page.wait_for_timeout(1_000)
        assert metric(page, "day") == stopped, f"try {attempt + 1}: the company ran on more than 1 s after Pause"
        page.get_by_role("button", name="Play", exact=True).wait_for(timeout=5_000)
    assert errors == [], errors


def test_two_sessions_stay_isolated(dashboard, browser, solara_server):
    page, _ = dashboard
    other_context = browser.new_context()
    try:
        other = other_context.new_page()
        other.goto(solara_server.base_url)
        other.locator(".orgsim-metric-day").wait_for(timeout=60_000)
        for day in (1, 2, 3):
            page.get_by_role("button", name="Step (1 day)").click()
            page.locator(".orgsim-metric-day .orgsim-metric-value", has_text=f"{day} of 100").wait_for()
        page.get_by_role("button", name="holacracy").click()
        page.locator(".orgsim-org-circles").wait_for()
        other.wait_for_timeout(300)
        assert metric(other, "day") == "0 of 100"
        assert other.locator(".orgsim-org-hierarchy").count() == 1
        other.get_by_role("button", name="Step (1 day)").click()
        other.locator(".orgsim-metric-day .orgsim-metric-value", has_text="1 of 100").wait_for()
        assert metric(page, "day") == "0 of 100"  # switching structure started this one afresh
    finally:
        other_context.close()


def test_download_gives_csv_with_the_contract_columns(dashboard):
    page, _ = dashboard
    for day in (1, 2):
        page.get_by_role("button", name="Step (1 day)").click()
        page.locator(".orgsim-metric-day .orgsim-metric-value", has_text=f"{day} of 100").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download time series (CSV)").click()
    assert download.value.suggested_filename.endswith("_timeseries.csv")
    rows = list(csv.reader(io.StringIO(open(download.value.path()).read())))
    assert tuple(rows[0]) == tuple(metrics.DAILY_REPORTERS)
    assert len(rows) == 3  # header and two days
    with page.expect_download() as download:
        page.get_by_role("button", name="Download summary (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path()).read())))
    contract = metrics.RUN_FIELDS + metrics.HEADLINE_METRICS
    assert tuple(rows[0][: len(contract)]) == contract  # the run's columns first; the team and its settings follow
    assert rows[1][0] == "baseline" and rows[1][1] == "hierarchy"


def test_compare_view_shows_every_structure(dashboard):
    page, errors = dashboard
    set_comparison_days(page, "30")
    page.get_by_role("button", name="Run comparison").click()
    result = page.locator(".orgsim-compare")
    result.wait_for(timeout=60_000)
    header = result.locator("table th").all_inner_texts()
    assert header[1:] == ["hierarchy", "holacracy", "hybrid"]
    assert re.search(r"Working days 1–30", result.inner_text())
    assert result.locator("img").count() == 2
    assert errors == [], errors
