"""A room shares the server: in a real browser, sweeps open by name from the results root only, a report's
script link is inert text, and a comparison that cannot run cannot be started."""

from browser_steps import set_comparison_days

from sim.dashboard.results_folder import ROOT_ENV

HOSTILE_REPORT = """# Sweep report: [Open](javascript:window.hacked=1)

<img src="x" onerror="window.hacked=1"> <script>window.hacked=1</script>

[a figure](figures/a.png) and [the project](https://example.org/)
"""


def test_sweep_results_open_by_name_and_a_script_link_is_inert(dashboard, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    for name in ("hostile_sweep", "size_sweep"):
        (tmp_path / name).mkdir()
        figure = Figure(figsize=(2, 1))
        figure.subplots().plot([0, 1], [0, 1])
        figure.savefig(tmp_path / name / "figure.png")
    (tmp_path / "hostile_sweep" / "report.md").write_text(HOSTILE_REPORT)
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))  # the server runs in this process
    page, errors = dashboard
    page.get_by_role("tab", name="Sweep results").click()
    page.locator(".orgsim-result-figure").wait_for()
    assert page.get_by_label("Results folder").count() == 0  # no box to type a path into
    page.get_by_text("report.md").click()
    link = page.get_by_text("Open", exact=True)
    link.wait_for()
    assert link.get_attribute("href") is None
    link.click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.hacked === undefined")
    assert page.locator(".orgsim-page img[src='x'], .orgsim-page script").count() == 0
    assert page.get_by_role("link", name="the project").get_attribute("href") == "https://example.org/"


def test_a_comparison_of_0_days_shows_why_and_cannot_start(dashboard):
    page, _ = dashboard
    set_comparison_days(page, "0")
    page.locator(".orgsim-compare-problem").wait_for()
    assert "Days to run must be between 1 and" in page.locator(".orgsim-compare-problem").inner_text()
    assert page.get_by_role("button", name="Run comparison").is_disabled()
    assert "Limits on this server" in page.locator(".orgsim-page").inner_text()
