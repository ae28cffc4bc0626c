"""The dashboard's parts without a browser: session, export, org view, charts, compare, results, serving,
and a structure registered at run time showing up in all of them."""

import io
import os
import socket
import subprocess
import sys

import ipywidgets
import pandas as pd
import pytest
import solara

from sim import metrics
from sim.dashboard import charts, orgchart, serve
from sim.dashboard.comparison import compare_structures
from sim.dashboard.session import (
    SUMMARY_COLUMNS,
    Session,
    Settings,
    build_scenario,
    format_value,
    scenario_names,
    structure_names,
)
from sim.scenario import ScenarioError
from sim.structures import STRUCTURES, register
from sim.structures.hierarchy import Hierarchy
from widget_tree import widgets_of, with_class


def png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --------------------------------------------------------------------------- settings and session


@pytest.mark.parametrize("name", scenario_names())
def test_every_bundled_scenario_gives_settings_that_build(name):
    settings = Settings.for_scenario(name)
    assert build_scenario(settings).name == load_name(name)


def load_name(name):
    from sim import load_scenario

    return load_scenario(name).name


def test_extra_settings_reach_the_scenario():
    scenario = build_scenario(Settings(extra="market.price_premium=0.3, policies.remote_share=0.5"))
    assert scenario.market.price_premium == 0.3
    assert scenario.policies.remote_share == 0.5


def test_session_steps_a_working_day_and_keeps_the_old_company_on_invalid_input():
    session = Session()
    session.step()
    assert session.day == 1
    model = session.model
    problem = session.reset(session.settings.with_(employees=3))
    assert "Employees must be at least 8" in problem
    assert session.model is model and session.day == 1
    assert session.reset(session.settings.with_(structure="holacracy")) is None
    assert session.day == 0 and session.model.structure.name == "holacracy"


def test_sessions_are_independent():
    first, second = Session(), Session()
    first.step(3)
    assert second.day == 0 and first.model is not second.model


def test_csv_exports_use_the_contract_columns():
    session = Session(Settings(employees=40))
    empty = pd.read_csv(io.StringIO(session.timeseries_csv()))
    assert tuple(empty.columns) == tuple(metrics.DAILY_REPORTERS) and len(empty) == 0
    session.step(3)
    frame = pd.read_csv(io.StringIO(session.timeseries_csv()))
    assert tuple(frame.columns) == tuple(metrics.DAILY_REPORTERS)
    assert list(frame["day"]) == [1.0, 2.0, 3.0]
    summary = pd.read_csv(io.StringIO(session.summary_csv()))
    assert tuple(summary.columns) == SUMMARY_COLUMNS == metrics.RUN_FIELDS + metrics.HEADLINE_METRICS
    assert summary.loc[0, "employees"] == 40


def test_format_value():
    assert format_value(float("nan")) == "–"
    assert format_value(12345.6) == "12,346"
    assert format_value(0.5) == "0.5"
    assert format_value(7) == "7"


# --------------------------------------------------------------------------- org view and charts


def view_of(structure, employees, days=3):
    session = Session(Settings(structure=structure, employees=employees))
    session.step(days)
    return session.snapshot().org


def test_small_hierarchy_shows_everyone():
    view = view_of("hierarchy", 30)
    assert view.kind == "hierarchy" and len(view.graph) == 30


def test_large_hierarchy_shows_managers_only_and_stays_small():
    view = view_of("hierarchy", 200)
    assert 10 < len(view.graph) < 60
    assert "Managers only" in view.note
    huge = view_of("hierarchy", 3000, days=1)
    assert len(huge.graph) <= orgchart.MAX_NODES
    assert sum(d["people"] for _, d in huge.graph.nodes(data=True)) == 3000


def test_holacracy_shows_circles_sized_by_members():
    session = Session(Settings(structure="holacracy", employees=200))
    session.step(3)
    view = session.snapshot().org
    circles = session.model.structure.circles
    assert view.kind == "circles" and len(view.graph) == len(circles)
    assert {d["people"] for _, d in view.graph.nodes(data=True)} == {len(c.members) for c in circles}


def test_hybrid_hangs_its_circles_under_the_ecommerce_head():
    view = view_of("hybrid", 200)
    squares = [n for n, d in view.graph.nodes(data=True) if d["shape"] == "s"]
    assert squares and all(view.graph.in_degree(n) == 1 for n in squares)


def test_integrators_hang_under_the_general_manager_as_diamonds():
    session = Session(Settings(structure="hierarchy", employees=1000))
    model = session.model
    model.adaptation.link_units(model.structure, {frozenset(("ecommerce", "rnd")), frozenset(("ecommerce", "sales"))})
    view = session.snapshot().org
    general_manager = model.units["management"].head.unique_id
    diamonds = [n for n, d in view.graph.nodes(data=True) if d["shape"] == "D"]
    assert len(diamonds) == 2 and all(list(view.graph.predecessors(n)) == [general_manager] for n in diamonds)
    assert "Diamonds under the general manager are integrators" in view.note


@pytest.mark.parametrize("structure", ["hierarchy", "hybrid"])
def test_a_large_tree_is_drawn_without_overlapping_boxes_or_names(structure):
    """At 1,000 employees the tree is cut to a row the width can hold; no two boxes of a row touch, and no two
    names written at one height overprint each other."""
    view = view_of(structure, 1000, days=1)
    figure = orgchart.org_figure(view)
    figure.canvas.draw()
    ax = figure.axes[0]
    rows: dict = {}
    for dots in ax.collections[1:]:
        centres = ax.transData.transform(dots.get_offsets())
        sizes = dots.get_sizes()
        for (x, y), area in zip(centres, sizes):
            rows.setdefault(round(y), []).append((x, area**0.5 * figure.dpi / 72.0))  # diameter in pixels
    assert len(view.graph) <= 60
    for row in rows.values():
        row.sort()
        for (x1, d1), (x2, d2) in zip(row, row[1:]):
            assert x2 - x1 >= (d1 + d2) / 2, (x1, x2, d1, d2)
    names = [text.get_window_extent() for text in ax.texts if text.get_text() != "longest queue"]
    assert names
    for i, a in enumerate(names):
        assert not any(a.overlaps(b) for b in names[i + 1:])


def test_the_bottleneck_is_the_longest_queue():
    session = Session(Settings(employees=200))
    session.step(20)
    view = session.snapshot().org
    worst = max(session.model.employees, key=lambda e: e.backlog)
    assert f"with {worst.backlog} item(s)" in view.bottleneck
    assert view.max_backlog == max(d["backlog"] for _, d in view.graph.nodes(data=True))


@pytest.mark.parametrize("structure", ["hierarchy", "holacracy", "hybrid"])
def test_figures_draw(structure):
    session = Session(Settings(structure=structure, employees=60))
    snapshot = session.snapshot()  # day 0: empty series must draw too
    assert png_bytes(charts.timeseries_figure(snapshot.frame, snapshot.horizon_days))[:4] == b"\x89PNG"
    session.step(5)
    snapshot = session.snapshot()
    for figure in (
        charts.timeseries_figure(snapshot.frame, snapshot.horizon_days),
        orgchart.org_figure(snapshot.org),
    ):
        assert len(png_bytes(figure)) > 5_000


def test_compare_runs_every_structure_on_the_same_customers():
    comparison = compare_structures(Settings(employees=60), days=10)
    assert list(comparison.summaries) == ["hierarchy", "holacracy", "hybrid"]
    assert len({s["inquiries"] for s in comparison.summaries.values()}) == 1  # same market stream
    assert list(comparison.table().columns) == ["hierarchy", "holacracy", "hybrid"]
    assert len(png_bytes(charts.compare_figure(comparison.frames))) > 5_000
    assert len(png_bytes(charts.compare_bars(comparison.summaries))) > 5_000
    with pytest.raises(ScenarioError):
        compare_structures(Settings(employees=2), days=1)


# --------------------------------------------------------------------------- components, rendered in Python


def metric_text(root, key):
    card = with_class(root, f"orgsim-metric-{key}")[0]
    return with_class(card, "orgsim-metric-value")[0].children[0]


def test_page_renders_and_steps_without_a_browser(kernel_context):
    from sim.dashboard.app import Page

    box, rc = solara.render(Page(), handle_error=False)
    try:
        assert metric_text(box, "day") == "0 of 100"
        with_class(box, "orgsim-step")[0].click()
        assert metric_text(box, "day") == "1 of 100"
        assert metric_text(box, "inquiries") != "0"
        assert with_class(box, "orgsim-org-hierarchy")
    finally:
        rc.close()


def test_settings_panel_changes_the_structure(kernel_context):
    from sim.dashboard.controls import SettingsPanel

    draft = solara.reactive(Settings())
    box, rc = solara.render(SettingsPanel(draft, lambda name: None), handle_error=False)
    try:
        toggle = with_class(box, "orgsim-structure")[0]
        toggle.v_model = 1  # the second button: holacracy
        assert draft.value.structure == "holacracy"
    finally:
        rc.close()


def html_of(root) -> str:
    return "".join(getattr(w, "unsafe_innerHTML", "") or "" for w in widgets_of(root))


def html_with_class(root, name) -> str:
    """The inner HTML of the solara.HTML elements given the CSS class `name`."""
    return "".join(w.unsafe_innerHTML for w in widgets_of(root)
                   if name in (getattr(w, "attributes", None) or {}).get("class", "").split())


def test_markdown_on_the_page_keeps_a_script_link_inert(kernel_context):
    from sim.dashboard.text import Md

    box, rc = solara.render(Md("Scenario [Open](javascript:alert(1))"), handle_error=False)
    try:
        rendered = html_of(box)
        assert "Open" in rendered and "href" not in rendered and "javascript" not in rendered
    finally:
        rc.close()


def test_compare_view_with_days_0_shows_the_error_and_cannot_run(kernel_context):
    from sim.dashboard.compare_view import CompareView

    box, rc = solara.render(CompareView(Settings(employees=40), 0), handle_error=False)
    try:
        run = with_class(box, "orgsim-compare-run")[0]
        assert run.disabled
        problem = with_class(box, "orgsim-compare-problem")
        assert problem and "Days to run must be between 1 and" in str(problem[0].children)
        assert "Limits on this server" in html_of(box)
    finally:
        rc.close()


def wait_for(condition, timeout=60.0):
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_comparison_is_labelled_and_marked_stale_when_the_settings_change(kernel_context):
    from sim.dashboard.compare_view import CompareView

    settings = solara.reactive(Settings(employees=20, seed=3))

    @solara.component
    def Tab():
        CompareView(settings.value, 2)

    box, rc = solara.render(Tab(), handle_error=False)
    try:
        with_class(box, "orgsim-compare-run")[0].click()
        wait_for(lambda: with_class(box, "orgsim-compare") and not with_class(box, "orgsim-compare-cancel"))
        label = html_with_class(box, "orgsim-compare-label")
        assert "baseline, 20 employees, seed 3, 2 days" in label and "pricing authority unit" in label
        assert not with_class(box, "orgsim-compare-stale")
        settings.set(settings.value.with_(employees=30))
        wait_for(lambda: with_class(box, "orgsim-compare-stale"), timeout=5)
        assert with_class(box, "orgsim-compare-stale") and with_class(box, "orgsim-compare-stale-note")
        assert "20 employees" in html_with_class(box, "orgsim-compare-label")  # what the numbers are for
    finally:
        rc.close()


@pytest.fixture
def endless_comparison(monkeypatch):
    """A comparison that runs until it is told to stop: (started, stopped) events."""
    import threading

    from sim.dashboard import compare_view
    from sim.dashboard.comparison import Cancelled

    started, stopped = threading.Event(), threading.Event()

    def endless(settings, days, progress=None, stop=None):
        started.set()
        assert stop.wait(30)
        stopped.set()
        raise Cancelled()

    monkeypatch.setattr(compare_view, "compare_structures", endless)
    return started, stopped


def test_cancel_stops_a_running_comparison(kernel_context, endless_comparison):
    from sim.dashboard.compare_view import CompareView

    started, stopped = endless_comparison
    box, rc = solara.render(CompareView(Settings(employees=20), 5), handle_error=False)
    try:
        with_class(box, "orgsim-compare-run")[0].click()
        assert started.wait(10)
        wait_for(lambda: with_class(box, "orgsim-compare-cancel"), timeout=5)
        assert not stopped.is_set()
        with_class(box, "orgsim-compare-cancel")[0].click()
        assert stopped.wait(5)
        wait_for(lambda: any("The comparison was cancelled." in str(getattr(w, "children", ""))
                             for w in widgets_of(box)), timeout=5)
    finally:
        rc.close()


def test_closing_the_page_stops_a_running_comparison(kernel_context, endless_comparison):
    from sim.dashboard.compare_view import CompareView

    started, stopped = endless_comparison
    box, rc = solara.render(CompareView(Settings(employees=20), 5), handle_error=False)
    with_class(box, "orgsim-compare-run")[0].click()
    assert started.wait(10)
    rc.close()  # what Solara does when the page closes (or the tab is left)
    assert stopped.wait(5)


def test_results_view_offers_the_sweeps_under_the_root_by_name(kernel_context, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from sim.dashboard.results_folder import ROOT_ENV
    from sim.dashboard.results_view import ResultsView

    for name in ("size_sweep", "policy_sweep"):
        (tmp_path / name).mkdir()
        Figure(figsize=(1, 1)).savefig(tmp_path / name / "figure.png")
    (tmp_path / "policy_sweep" / "report.md").write_text("[Open](javascript:alert(1))")
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))
    box, rc = solara.render(ResultsView(), handle_error=False)
    try:
        sweeps = with_class(box, "orgsim-sweep")[0]
        assert sweeps.items == ["policy_sweep", "size_sweep"] and sweeps.v_model == "policy_sweep"
        assert [w for w in widgets_of(box) if isinstance(w, ipywidgets.Image)]
        assert not [w for w in widgets_of(box) if getattr(w, "label", None) == "Results folder"]  # no typed path
        assert "javascript" not in html_of(box)
    finally:
        rc.close()


# --------------------------------------------------------------------------- a structure added at run time


THROWAWAY_COLOUR = "#17becf"


@pytest.fixture
def throwaway_structure():
    """A structure registered while the tests run, as a new file in sim/structures/ would be; removed afterwards."""

    @register("throwaway_flat")
    class ThrowawayFlat(Hierarchy):
        colour = THROWAWAY_COLOUR

    try:
        yield ThrowawayFlat.name
    finally:
        STRUCTURES.pop("throwaway_flat", None)


def test_a_structure_registered_at_run_time_shows_up_everywhere(throwaway_structure, kernel_context):
    from sim.dashboard.compare_view import CompareView
    from sim.dashboard.controls import SettingsPanel

    name = throwaway_structure
    assert name in structure_names()
    draft = solara.reactive(Settings())
    box, rc = solara.render(SettingsPanel(draft, lambda _: None), handle_error=False)
    try:
        buttons = with_class(box, "orgsim-structure")[0].children
        assert [button.children[0] for button in buttons] == list(STRUCTURES)
        with_class(box, "orgsim-structure")[0].v_model = list(STRUCTURES).index(name)
        assert draft.value.structure == name
    finally:
        rc.close()

    assert charts.structure_colour(name) == THROWAWAY_COLOUR
    view = view_of(name, 40, days=2)
    assert len(view.graph) == 40
    assert len(png_bytes(orgchart.org_figure(view))) > 5_000

    comparison = compare_structures(Settings(employees=40), days=2)
    assert list(comparison.summaries) == list(STRUCTURES) and name in comparison.summaries
    lines = charts.compare_figure(comparison.frames).axes[0].lines
    assert {line.get_label(): line.get_color() for line in lines}[name] == THROWAWAY_COLOUR
    box, rc = solara.render(CompareView(Settings(employees=40), 2), handle_error=False)
    try:
        assert any(f"hybrid and {name} side by side" in (getattr(w, "unsafe_innerHTML", "") or "")
                   for w in widgets_of(box))
    finally:
        rc.close()


# --------------------------------------------------------------------------- serving


def test_dashboard_refuses_to_start_without_assets(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGSIM_ASSETS_DIR", str(tmp_path))
    assert "tools/fetch_assets.sh" in serve.problem_before_start(8765)
    result = subprocess.run(
        [sys.executable, "-m", "sim", "dashboard", "--port", "8765"],
        capture_output=True, text=True, env={**os.environ, "ORGSIM_ASSETS_DIR": str(tmp_path)}, timeout=60,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "fetch_assets" in result.stderr


def test_dashboard_refuses_a_busy_port():
    with socket.socket() as taken:
        taken.bind((serve.HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not serve.port_free(port)
        problem = serve.problem_before_start(port)
        assert problem and ("in use" in problem or "assets" in problem)


def test_server_command_is_offline_and_local():
    command = serve.server_command(9001)
    assert command[-6:] == ["--host", "127.0.0.1", "--port", "9001", "--no-open", "--production"]
    env = serve.server_env(serve.assets_dir())
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"].endswith(".assets") or "ORGSIM_ASSETS_DIR" in os.environ


def test_the_reused_time_series_chart_rescales_as_days_come_in():
    session = Session(Settings(employees=200))
    chart = charts.TimeSeriesChart(session.horizon_days)
    chart.draw(session.snapshot().frame)
    session.step(20)
    chart.draw(session.snapshot().frame)
    frame = session.snapshot().frame
    decision_axes, conflict_axes, _ = chart.axes
    assert decision_axes.get_ylim()[1] >= frame["decision_time_mean_h"].max()
    assert conflict_axes.get_ylim()[1] >= frame["conflicts_open"].max()
