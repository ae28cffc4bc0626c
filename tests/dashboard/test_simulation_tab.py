"""The Simulation tab without a browser: it shows only true, current information, and Play plays.

- the org chart's caption names the box the picture marks, for every structure;
- the loss bars and the conversion card share one denominator (the summary's `conversion_rate`);
- the reorganization day is marked on the time series;
- the scenario's description comes with the company's actual size; every slider shows its value;
- Play repaints while it plays, in a thread of its own, and Pause stops it.
"""

import re
import time

import pytest
import solara

from sim.dashboard import charts, orgchart
from sim.dashboard.session import Session, Settings
from widget_tree import widgets_of, with_class


def texts_of(root) -> str:
    parts = []
    for widget in widgets_of(root):
        for attribute in ("label", "unsafe_innerHTML", "value"):
            value = getattr(widget, attribute, None)
            if isinstance(value, str):
                parts.append(value)
        children = getattr(widget, "children", None)
        if isinstance(children, (list, tuple)):
            parts.extend(child for child in children if isinstance(child, str))
    return re.sub("<[^>]+>", "", "\n".join(parts))  # markdown arrives as HTML: its words only


@pytest.mark.parametrize("structure", ["hierarchy", "holacracy", "hybrid"])
def test_the_caption_names_the_box_the_picture_marks(structure):
    session = Session(Settings(structure=structure, employees=200))
    session.step(25)
    view = session.snapshot().org
    graph = view.graph
    assert view.worst is not None, "after 25 days some work waits somewhere"
    worst = graph.nodes[view.worst]
    assert worst["backlog"] == view.max_backlog == max(d["backlog"] for _, d in graph.nodes(data=True))
    assert f"{worst['name']}, with {worst['backlog']} item(s) waiting" in view.bottleneck
    figure = orgchart.org_figure(view)
    marks = [text for text in figure.axes[0].texts if text.get_text() == "longest queue" and text.get_visible()]
    assert len(marks) == 1 and tuple(marks[0].xy) == tuple(view.pos[view.worst])
    darkest = max(collection.get_array().max() for collection in figure.axes[0].collections[1:])
    assert darkest == worst["backlog"]  # the darkest colour is the caption's number


def test_a_circle_is_named_as_a_circle_and_a_team_by_its_head():
    session = Session(Settings(structure="holacracy", employees=200))
    view = session.snapshot().org
    circle = next(n for n in view.graph.nodes if str(n).startswith("circle:"))
    assert view.graph.nodes[circle]["name"].startswith("circle ")
    hierarchy = Session(Settings(employees=200)).snapshot().org
    names = {d["name"] for _, d in hierarchy.graph.nodes(data=True)}
    assert any(name.startswith("the general manager") for name in names)
    assert any(name.startswith("the head of ") for name in names)


def test_only_the_general_manager_is_called_so():
    session = Session(Settings(structure="hybrid", employees=200))
    session.step(25)  # overloaded units get integrators, who stand beside the tree with no manager
    roots = [e for e in session.model.employees if e.manager is None]
    assert len(roots) > 1, "the test needs someone beside the tree"
    graph = session.snapshot().org.graph
    assert [d["label"] for _, d in graph.nodes(data=True)].count("GM") == 1
    assert sum(d["name"] == "the general manager" for _, d in graph.nodes(data=True)) == 1


def test_no_work_waiting_says_so_and_marks_nothing():
    view = Session(Settings(employees=30)).snapshot().org  # day 0
    assert view.worst is None and view.bottleneck.startswith("No queues right now")
    assert not [text for text in orgchart.org_figure(view).axes[0].texts
                if text.get_text() == "longest queue" and text.get_visible()]


def test_the_loss_bars_use_the_conversion_cards_denominator(kernel_context):
    from sim.dashboard.simulation_view import LossPanel, MetricCards, _percent

    session = Session(Settings(employees=200))
    session.step(30)
    snapshot = session.snapshot()
    summary = snapshot.summary
    shares = charts.outcome_shares(summary)
    assert list(shares) == list(charts.OUTCOME_LABELS)  # still open ones are a bar too
    assert sum(count for count, _ in shares.values()) == summary["inquiries"]
    assert shares["converted"][1] == pytest.approx(summary["conversion_rate"])
    card = _percent(summary["conversion_rate"])
    box, rc = solara.render(MetricCards(snapshot), handle_error=False)
    try:
        assert card in texts_of(with_class(box, "orgsim-metric-conversion")[0])
    finally:
        rc.close()
    box, rc = solara.render(LossPanel(snapshot), handle_error=False)
    try:
        assert f"{shares['converted'][0]:,} ({card})" in texts_of(box)
    finally:
        rc.close()


def test_the_reorganization_day_is_marked_on_every_time_series():
    session = Session(Settings.for_scenario("zappos_transition").with_(employees=60))
    snapshot = session.snapshot()
    assert snapshot.reorganization == (60, "holacracy")
    chart = charts.TimeSeriesChart(snapshot.horizon_days, snapshot.reorganization)
    for ax in chart.axes:
        assert any(list(line.get_xdata()) == [60, 60] for line in ax.lines)
    assert "reorganized into holacracy" in " ".join(t.get_text() for t in chart.axes[0].texts)
    plain = charts.TimeSeriesChart(100)
    assert Session(Settings(employees=30)).snapshot().reorganization is None
    assert not any(len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
                   for ax in plain.axes for line in ax.lines)


def test_the_description_comes_with_the_actual_size_and_the_slider_with_its_value(kernel_context):
    from sim.dashboard.controls import SettingsPanel

    draft = solara.reactive(Settings(employees=20, training_hours_per_month=4.0))
    box, rc = solara.render(SettingsPanel(draft, lambda name: None), handle_error=False)
    try:
        text = texts_of(box)
        assert "Your company: 20 employees, starting under hierarchy (the scenario as described has 200)." in text
        assert "Training: 4 hours per month" in text
        draft.set(draft.value.with_(employees=200, training_hours_per_month=7.0))
        text = texts_of(box)
        assert "Your company: 200 employees, starting under hierarchy." in text and "Training: 7 hours per month" in text
    finally:
        rc.close()


def day_shown(box) -> str:
    card = with_class(box, "orgsim-metric-day")[0]
    return texts_of(with_class(card, "orgsim-metric-value")[0])


def test_play_repaints_from_its_own_thread_and_pause_stops_it(kernel_context):
    from sim.dashboard.app import Page

    box, rc = solara.render(Page(), handle_error=False)
    try:
        with_class(box, "orgsim-play")[0].click()
        seen, deadline = {day_shown(box)}, time.monotonic() + 20
        while len(seen) < 4 and time.monotonic() < deadline:  # the test thread reads while the play thread paints
            time.sleep(0.05)
            seen.add(day_shown(box))
        assert len(seen) >= 4, seen
        # Every update paints: a play that ran ahead of its paints would jump towards day 100 instead.
        assert max(int(text.split()[0]) for text in seen) < 50, seen
        with_class(box, "orgsim-play")[0].click()  # Pause
        time.sleep(1.5)
        stopped = day_shown(box)
        time.sleep(1.0)
        assert day_shown(box) == stopped
        assert not with_class(box, "orgsim-step")[0].disabled
    finally:
        rc.close()


def pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def differing_share(a: bytes, b: bytes) -> float:
    first, second = pixels(a), pixels(b)
    assert first.shape == second.shape
    return float((abs(first - second).sum(axis=2) > 60).mean())


def test_the_quick_redraws_show_what_a_full_drawing_shows():
    from sim.dashboard.painter import ORG_SIZE

    session = Session(Settings(employees=200))
    chart = charts.TimeSeriesChart(session.horizon_days)
    chart.png(session.snapshot().frame)  # axes drawn at day 0
    first_org = orgchart.OrgImage(session.snapshot().org, *ORG_SIZE)
    for _ in range(12):  # day by day, as Play does: the axes are kept while they fit
        session.step(1)
        snapshot = session.snapshot()
        quick = chart.png(snapshot.frame)
    assert differing_share(quick, charts.png(charts.timeseries_figure(snapshot.frame, snapshot.horizon_days))) < 0.001
    view = snapshot.org
    image = first_org if first_org.fits(view) else orgchart.OrgImage(view, *ORG_SIZE)
    assert differing_share(image.png(view), charts.png(orgchart.org_figure(view, *ORG_SIZE))) < 0.001


def test_closing_the_page_ends_its_play(kernel_context, monkeypatch):
    from sim.dashboard.app import Page

    steps = []
    real_step = Session.step
    monkeypatch.setattr(Session, "step", lambda self, days=1: (steps.append(days), real_step(self, days)))
    box, rc = solara.render(Page(), handle_error=False)
    with_class(box, "orgsim-play")[0].click()
    deadline = time.monotonic() + 20
    while len(steps) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(steps) >= 2
    rc.close()  # as when the tab closes
    time.sleep(1.5)
    after_close = len(steps)
    time.sleep(1.5)
    assert len(steps) == after_close, "the company kept running for a page no one sees"


def test_a_lone_player_never_rests_and_a_room_of_players_keeps_to_its_share():
    from sim.dashboard.play import Players, rest_after

    assert rest_after(0.1, 1) == 0.0
    for players in (2, 5, 20):
        busy_share_each = 0.1 / (0.1 + rest_after(0.1, players))
        assert players * busy_share_each < 0.7  # every play together: at most 2/3 of the server, clicks keep the rest
    players = Players()
    with players.joined():
        with players.joined():
            assert players.count == 2
        assert players.count == 1
    assert players.count == 0
