"""The dashboard in a real browser (Chromium, offline assets): what a workshop participant does.

Each xdist worker runs its own Solara server (pytest-ipywidgets gives each a port).
"""

import csv
import io
import re

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
    assert "Each disc is a circle" in page.locator(".orgsim-org-circles").inner_text()
    page.get_by_role("button", name="hybrid").click()
    page.locator(".orgsim-org-hybrid").wait_for()


def test_invalid_input_shows_a_message_and_the_session_goes_on(dashboard):
    page, _ = dashboard
    employees = page.get_by_label("Employees")
    employees.fill("3")
    employees.press("Enter")
    error = page.locator(".orgsim-error")
    error.wait_for()
    assert "organization.employees" in error.inner_text()
    page.get_by_role("button", name="Step (1 day)").click()  # the last valid company still runs
    page.locator(".orgsim-metric-day .orgsim-metric-value", has_text="1 of 100").wait_for()
    employees.fill("50")
    employees.press("Enter")
    error.wait_for(state="detached")
    page.get_by_text("50 people under").wait_for()


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
    assert tuple(rows[0]) == metrics.RUN_FIELDS + metrics.HEADLINE_METRICS
    assert rows[1][0] == "baseline" and rows[1][1] == "hierarchy"


def test_compare_view_shows_every_structure(dashboard):
    page, errors = dashboard
    page.get_by_role("tab", name="Compare structures").click()
    days = page.get_by_label("Days to run")
    days.fill("30")
    days.press("Enter")
    page.get_by_role("button", name="Run comparison").click()
    result = page.locator(".orgsim-compare")
    result.wait_for(timeout=60_000)
    header = result.locator("table th").all_inner_texts()
    assert header[1:] == ["hierarchy", "holacracy", "hybrid"]
    assert re.search(r"Working days 1–30", result.inner_text())
    assert result.locator("img").count() == 2
    assert errors == [], errors


def test_results_view_lists_a_folder_of_figures(dashboard, tmp_path):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.subplots().plot([0, 1], [0, 1])
    figure.savefig(tmp_path / "decision_time.png")
    figure.savefig(tmp_path / "conflicts.png")
    page, _ = dashboard
    page.get_by_role("tab", name="Sweep results").click()
    folder = page.get_by_label("Results folder")
    folder.wait_for()
    folder.fill(str(tmp_path))
    folder.press("Enter")
    # Wait for this folder's listing: a folder shown before (the default results folder) may still be on screen.
    page.get_by_text("Figure (2 found)").wait_for()
    page.locator(".orgsim-result-figure").wait_for()

