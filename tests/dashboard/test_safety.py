"""A dashboard a room shares: sanitised markdown, sweeps only from the results root, limits per session,
errors in plain words, and a comparison that reports progress and stops when asked."""

import threading
from html.parser import HTMLParser

import pytest

from sim import metrics
from sim.dashboard import limits
from sim.dashboard.comparison import CHUNK_DAYS, Cancelled, compare_structures, summary_html
from sim.dashboard.messages import plain
from sim.dashboard.results_folder import ROOT_ENV, open_sweep, results_root, sweep_names
from sim.dashboard.session import Session, Settings, build_scenario, format_value
from sim.dashboard.text import markdown_html, sanitise
from sim.scenario import ScenarioError

# --------------------------------------------------------------------------- sanitised markdown


@pytest.mark.parametrize("escape", [True, False])
@pytest.mark.parametrize(
    "text",
    [
        "[Open](javascript:alert(1))",
        "[Open](JaVaScRiPt:alert(1))",
        "[Open](data:text/html;base64,PHNjcmlwdD4=)",
        "[Open](vbscript:msgbox)",
        "[Open](mailto:someone@example.org)",
    ],
)
def test_links_other_than_http_and_relative_lose_their_target(text, escape):
    rendered = markdown_html(text, escape=escape)
    assert "Open" in rendered
    assert "href" not in rendered
    assert "javascript" not in rendered.lower() and "data:" not in rendered


def test_http_and_relative_links_stay():
    rendered = markdown_html("[site](https://example.org/a) and [figure](figures/a.png)", escape=False)
    assert 'href="https://example.org/a"' in rendered and 'href="figures/a.png"' in rendered


@pytest.mark.parametrize(
    "raw",
    [
        '<img src="x" onerror="alert(1)">',
        "<script>alert(1)</script>",
        '<a href="#" onclick="alert(1)">x</a>',
        '<div onmouseover="alert(1)">x</div>',
        '<iframe src="https://example.org"></iframe>',
        '<svg onload="alert(1)"></svg>',
        '<p style="background: url(javascript:alert(1))">x</p>',
    ],
)
def test_raw_html_keeps_no_script(raw):
    rendered = markdown_html(raw, escape=False)
    for bad in ("<script", "onerror", "onclick", "onmouseover", "onload", "javascript", "<iframe", "<svg"):
        assert bad not in rendered.lower()


@pytest.mark.parametrize("text", ["![tracker](https://example.org/pixel.png)", '<img src="http://example.org/x.png">'])
def test_remote_images_are_dropped(text):
    rendered = markdown_html(text, escape=False)
    assert "<img" not in rendered and "example.org" not in rendered


def test_escaped_html_stays_visible_as_text():
    assert "&lt;script&gt;" in markdown_html("<script>alert(1)</script>")


def test_tables_keep_their_alignment_but_no_other_style():
    rendered = sanitise('<table><tr><td style="text-align: right; position: fixed">1</td></tr></table>')
    assert "text-align:right" in rendered.replace(" ", "") and "position" not in rendered


# --------------------------------------------------------------------------- sweeps only under the results root


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A results root with one finished sweep, one empty folder, and ways out of the root next to it."""
    base = tmp_path / "results"
    (base / "size_sweep" / "report" / "figures").mkdir(parents=True)
    (base / "size_sweep" / "report" / "figures" / "b.png").write_bytes(b"\x89PNG b")
    (base / "size_sweep" / "a.png").write_bytes(b"\x89PNG a")
    (base / "size_sweep" / "report" / "report.md").write_text("# Report")
    (base / "empty").mkdir()
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "stolen.png").write_bytes(b"\x89PNG secret")
    (secret / "report.md").write_text("secret report")
    (base / "linked_out").symlink_to(secret, target_is_directory=True)
    (base / "size_sweep" / "stolen.png").symlink_to(secret / "stolen.png")
    monkeypatch.setenv(ROOT_ENV, str(base))
    return base


def test_the_root_comes_from_the_environment(root, monkeypatch):
    assert results_root() == root.resolve()
    monkeypatch.delenv(ROOT_ENV)
    monkeypatch.chdir(root.parent)
    assert results_root() == root.resolve()  # default: results/ in the working directory


def test_only_sweeps_with_results_are_listed_and_links_out_are_not(root):
    assert sweep_names() == ["size_sweep"]


def test_a_sweep_opens_by_name_with_its_own_figures_only(root):
    found = open_sweep("size_sweep")
    assert found.problem is None and found.report == "# Report"
    assert [str(p) for p in found.figures] == ["a.png", "report/figures/b.png"]  # not the link to stolen.png
    assert found.figure_bytes("report/figures/b.png") == b"\x89PNG b"
    for outside in ("stolen.png", "../secret/stolen.png", str(root.parent / "secret" / "stolen.png")):
        with pytest.raises(ValueError):
            found.figure_bytes(outside)


@pytest.mark.parametrize(
    "name", ["..", "../secret", "linked_out", "/etc", "size_sweep/../..", "", "missing", "empty/..", "empty"]
)
def test_anything_else_is_refused(root, name):
    found = open_sweep(name)
    assert found.problem and "no finished sweep" in found.problem
    assert found.figures == [] and found.report is None and found.path is None


def test_a_missing_root_lists_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, str(tmp_path / "nowhere"))
    assert sweep_names() == []
    assert open_sweep("size_sweep").problem


# --------------------------------------------------------------------------- limits per session


def test_limits_come_from_the_environment():
    assert limits.Limits.from_env({}) == limits.Limits()
    chosen = limits.Limits.from_env({"ORGSIM_MAX_EMPLOYEES": "300", "ORGSIM_MAX_DAYS": "50",
                                     "ORGSIM_MAX_COMPARE_DAYS": "20", "ORGSIM_MAX_COMPARE_EMPLOYEE_DAYS": "1000"})
    assert chosen == limits.Limits(300, 50, 20, 1000)
    assert limits.Limits.from_env({"ORGSIM_MAX_EMPLOYEES": "lots", "ORGSIM_MAX_DAYS": "-3"}) == limits.Limits()
    assert "300 employees" in chosen.caption() and "20 days" in chosen.caption()


def test_the_comparison_budget_shrinks_with_the_company():
    server = limits.Limits(max_compare_days=400, max_compare_employee_days=500_000)
    assert server.compare_days_allowed(200) == 400
    assert server.compare_days_allowed(5_000) == 100
    server.check_comparison(5_000, 100)
    for days in (0, 101):
        with pytest.raises(ScenarioError, match="between 1 and 100"):
            server.check_comparison(5_000, days)


def test_the_server_refuses_a_company_beyond_its_limits(monkeypatch):
    monkeypatch.setenv("ORGSIM_MAX_EMPLOYEES", "100")
    monkeypatch.setenv("ORGSIM_MAX_DAYS", "150")
    with pytest.raises(ScenarioError, match="at most 100 on this server"):
        build_scenario(Settings(employees=101))
    with pytest.raises(ScenarioError, match="at most 100 on this server"):
        build_scenario(Settings(extra="organization.employees=500"))  # the extra box cannot get round it
    with pytest.raises(ScenarioError, match="at most 150 days"):
        build_scenario(Settings(employees=50, extra="horizon_days=500"))  # 220 days after the warm-up
    session = Session(Settings(employees=50))
    assert "on this server" in session.reset(Settings(employees=101))
    assert session.settings.employees == 50


def test_only_bundled_scenarios_are_loaded():
    for name in ("/etc/passwd", "../scenarios/baseline", "baseline.toml"):
        with pytest.raises(ScenarioError, match="no scenario called"):
            build_scenario(Settings(scenario=name))


def test_a_comparison_beyond_the_limits_does_not_run(monkeypatch):
    monkeypatch.setenv("ORGSIM_MAX_COMPARE_DAYS", "5")
    with pytest.raises(ScenarioError, match="between 1 and 5"):
        compare_structures(Settings(employees=20), days=6)
    with pytest.raises(ScenarioError, match="between 1 and 5"):
        compare_structures(Settings(employees=20), days=0)


# --------------------------------------------------------------------------- errors in plain words


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"employees": 3}, "Employees must be at least 8 (you gave 3)"),
        ({"seed": -1}, "Seed must be at least 0"),
        ({"training_hours_per_month": -5}, "Training hours per month must be at least 0"),
        ({"extra": "market.price_premium=banana"}, "'market.price_premium' must be a number (you gave 'banana')"),
        ({"extra": "no_equals_sign"}, "Extra setting 'no_equals_sign': expected dotted.key=value"),
        ({"extra": "organization.nonsense=1"}, "There is no setting 'organization.nonsense'"),
    ],
)
def test_errors_read_in_plain_words_without_paths(changes, expected):
    with pytest.raises(ScenarioError) as error:
        build_scenario(Settings().with_(**changes))
    message = str(error.value)
    assert expected in message
    assert "/" not in message and ".toml" not in message and "Input should" not in message
    assert "\n" not in message


def test_paths_left_in_a_message_become_the_scenario_name():
    text = plain("/srv/orgsim/scenarios/yy_company.toml: not valid TOML (see /srv/orgsim/x.toml)", "yy_company")
    assert "/srv" not in text and "yy_company" in text
    assert plain("validation/abandonment: cannot load", "x") == "Validation/abandonment: cannot load."


# --------------------------------------------------------------------------- the comparison: progress, cancel, table


def test_a_comparison_reports_progress_per_chunk_of_days():
    shares = []
    compare_structures(Settings(employees=20), days=2 * CHUNK_DAYS + 5, progress=shares.append)
    assert len(shares) == 3 * 3  # three chunks for each of three structures
    assert shares == sorted(shares) and shares[-1] == pytest.approx(1.0)


def test_a_progress_callback_that_cancels_stops_the_comparison_early():
    stop = threading.Event()
    shares = []

    def progress(share):
        shares.append(share)
        stop.set()  # as a Cancel press (or a closed page) would, during the first chunk

    with pytest.raises(Cancelled):
        compare_structures(Settings(employees=20), days=5 * CHUNK_DAYS, progress=progress, stop=stop)
    assert len(shares) == 1  # one chunk of 15 ran, no more


class Cells(HTMLParser):
    """The text of each table cell, row by row, with its style."""

    def __init__(self):
        super().__init__()
        self.rows, self.style = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append(["", dict(attrs).get("style", "").replace(" ", "")])

    def handle_data(self, data):
        if self.rows and self.rows[-1]:
            self.rows[-1][-1][0] += data


def test_the_table_uses_readable_labels_and_one_cell_per_number():
    comparison = compare_structures(Settings(employees=20), days=3)
    parser = Cells()
    parser.feed(sanitise(summary_html(comparison)))
    header, *rows = parser.rows
    assert [text for text, _ in header] == ["Metric", *comparison.summaries]
    by_label = {row[0][0]: row[1:] for row in rows}
    assert list(by_label) == [metrics.label(name) for name in metrics.HEADLINE_METRICS]
    assert "Revenue (currency)" in by_label and "Decision time, mean (h)" in by_label
    revenue = by_label["Revenue (currency)"]
    assert [text for text, _ in revenue] == [format_value(s["revenue"]) for s in comparison.summaries.values()]
    assert all("text-align:right" in style and "padding" in style for _, style in revenue)
