"""Workshop mode: the room's registry of teams, the facilitator's page and its token, and stopping the server.

The browser tests run two participants and a facilitator in one Chromium
(separate contexts are separate browser sessions), as a room would.
"""

import csv
import gc
import io
import os
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

from sim import metrics
from sim.dashboard import serve
from sim.dashboard.room import (
    ROOM,
    TEAM_COLUMNS,
    TOKEN_ENV,
    Room,
    clean_name,
    file_slug,
    team_file_stem,
    team_summary_csv,
    teams_csv,
    teams_parquet,
    token_matches,
)
from sim.dashboard.session import Session, Settings

APP = os.path.join(os.path.dirname(__file__), "..", "..", "sim", "dashboard", "app.py")
TOKEN = "workshop-test-token"


def small(structure: str = "hierarchy", **more) -> Session:
    return Session(Settings(structure=structure, employees=30, **more))


# --------------------------------------------------------------------------- the room's registry


def test_teams_join_with_names_rename_and_leave():
    room = Room()
    red, blue = small(), small("holacracy")
    red_id = room.join(red, "Red team")
    blue_id = room.join(blue)
    assert [t.name for t in room.teams()] == ["Red team", f"Team {blue_id}"]
    assert room.rename(blue_id, "  Blue\n team  ") == "Blue team"
    assert room.name_of(blue) == "Blue team"
    assert [t.settings.structure for t in room.teams()] == ["hierarchy", "holacracy"]
    other_red = small()
    assert room.rename(room.join(other_red), "Red team") == "Red team 2"  # the facilitator can tell them apart
    room.leave(red_id)
    assert [t.name for t in room.teams()] == ["Blue team", "Red team 2"]
    assert room.name_of(red) == ""


def test_a_session_that_is_gone_leaves_the_room_by_itself():
    room = Room()
    session = small()
    room.join(session, "Gone")
    del session
    gc.collect()
    assert room.teams() == []


def test_the_room_follows_each_teams_day_and_metrics():
    room = Room()
    red = small()
    room.join(red, "Red")
    before = room.version()
    red.step(3)
    assert room.version() != before  # the facilitator's page redraws
    (team,) = room.teams()
    assert team.day == 3 and list(team.frame["day"]) == [1.0, 2.0, 3.0]
    assert team.summary["inquiries"] > 0


def test_all_teams_csv_and_parquet_hold_each_teams_settings_and_metrics():
    room = Room()
    red = small(pricing_authority="frontline")
    blue = small("holacracy", training_hours_per_month=8.0)
    room.join(red, "Red")
    room.join(blue, "Blue")
    red.step(2)
    rows = list(csv.DictReader(io.StringIO(teams_csv(room.teams()))))
    assert tuple(rows[0]) == TEAM_COLUMNS
    assert {"pricing_authority", "dealer_policy", "incentives", "committee", "training_hours_per_month"} <= set(rows[0])
    assert set(metrics.HEADLINE_METRICS) <= set(rows[0])
    red_row, blue_row = rows
    assert (red_row["team"], red_row["structure"], red_row["pricing_authority"], red_row["day"]) == (
        "Red", "hierarchy", "frontline", "2.0")
    assert (blue_row["team"], blue_row["structure"], blue_row["training_hours_per_month"]) == ("Blue", "holacracy", "8.0")
    assert int(red_row["inquiries"]) > 0
    frame = pd.read_parquet(io.BytesIO(teams_parquet(room.teams())))
    assert tuple(frame.columns) == TEAM_COLUMNS
    assert list(frame["team"]) == ["Red", "Blue"]


def test_a_push_reaches_every_team_once_and_a_late_team_too():
    room = Room()
    red, blue = small(), small("holacracy")
    red_id, blue_id = room.join(red, "Red"), room.join(blue, "Blue")
    assert room.pending(red_id) is None
    room.push_scenario("yy_company", keep_structure=True)
    pushed = room.pending(red_id)
    assert pushed.kind == "scenario" and room.pending(red_id) is None
    assert pushed.settings_for(blue.settings).structure == "holacracy"
    assert pushed.settings_for(blue.settings).scenario == "yy_company"
    late = room.join(small(), "Late")
    assert room.pending(late).scenario == "yy_company"
    room.reset_all()
    assert room.pending(blue_id).kind == "reset" and room.pending(red_id).kind == "reset"


def test_the_debrief_keeps_the_results_as_they_were_when_revealed():
    room = Room()
    red = small()
    room.join(red, "Red")
    red.step(2)
    debrief = room.reveal()
    red.step(3)
    assert room.debrief is debrief and debrief.teams[0].day == 2
    room.hide()
    assert room.debrief is None


def test_a_teams_own_summary_records_its_policies_and_its_name_names_the_file():
    session = small(committee="biweekly")
    rows = list(csv.reader(io.StringIO(team_summary_csv(session, "Red team"))))
    contract = metrics.RUN_FIELDS + metrics.HEADLINE_METRICS
    assert tuple(rows[0][: len(contract)]) == contract  # what `orgsim run` writes, then the team's choices
    row = dict(zip(rows[0], rows[1]))
    assert (row["team"], row["committee"], row["structure"]) == ("Red team", "biweekly", "hierarchy")
    assert {"pricing_authority", "dealer_policy", "incentives", "adaptation"} <= set(row)
    assert team_file_stem("Red team / 2", session.settings, 4.0) == "orgsim_red-team-2_baseline_hierarchy_day4"
    assert file_slug("../../etc") == "etc" and file_slug("$$$") == "team"
    assert clean_name("x" * 100) == "x" * 40


def test_only_the_token_given_at_start_opens_the_facilitators_page():
    assert token_matches("abc", "abc")
    assert not token_matches("abd", "abc")
    assert not token_matches("", "abc") and not token_matches(None, "abc")
    assert not token_matches("", "") and not token_matches("abc", None)  # no token set: nobody


# --------------------------------------------------------------------------- the server


def test_the_commands_options_reach_the_server():
    env = serve.server_env(serve.assets_dir(), serve.room_env("some/results", {"max_employees": 500, "max_days": None}, "t"))
    assert env["ORGSIM_RESULTS_ROOT"] == os.path.abspath("some/results")
    assert env["ORGSIM_MAX_EMPLOYEES"] == "500" and "ORGSIM_MAX_DAYS" not in env
    assert env[TOKEN_ENV] == "t"
    assert env["SOLARA_SESSION_HTTP_ONLY"] == "True"
    assert "Cookies with samesite=none" in env["PYTHONWARNINGS"]
    assert serve.address_for_others("192.168.1.5") == "192.168.1.5"
    assert serve.address_for_others("fe80::1") == "[fe80::1]"  # an IPv6 address goes in brackets in a link


def test_a_host_that_is_not_this_machine_is_refused_in_one_line(monkeypatch, tmp_path):
    for name in serve.REQUIRED_ASSETS:  # assets present, so the host is what is checked
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "package.json").write_text("{}")
    monkeypatch.setenv("ORGSIM_ASSETS_DIR", str(tmp_path))
    assert "not an address of this machine" in serve.problem_before_start(free_port(), "192.0.2.254")
    assert "not an address of this machine" in serve.problem_before_start(free_port(), "no-such-host.invalid")
    if has_ipv6_loopback():
        assert serve.problem_before_start(free_port("::1"), "::1") is None  # IPv6 is an address like any other


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def free_port(host: str = serve.HOST) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def answers(port: int, host: str = serve.HOST) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.parametrize("host", [serve.HOST, "::1"], ids=["ipv4", "ipv6"])
def test_kill_stops_the_server_prints_links_and_no_cookie_warning(browser_ready, host):
    if ":" in host and not has_ipv6_loopback():
        pytest.skip("this machine has no IPv6 loopback")
    port = free_port(host)
    command = [sys.executable, "-m", "sim", "dashboard", "--port", str(port), "--host", host]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://{serve.address_for_others(host)}:{port}"
    try:
        deadline = time.monotonic() + 90
        while not answers(port, host) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert answers(port, host), "the dashboard did not start"
        import urllib.request

        with urllib.request.urlopen(f"{url}/") as response:  # a visit: the cookie is set
            assert "HttpOnly" in response.headers["set-cookie"]
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert f"{url}/facilitator?token=" in output
    assert "samesite" not in output.lower()
    deadline = time.monotonic() + 10
    while answers(port, host) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not answers(port, host), "the Solara server still serves the port"


# --------------------------------------------------------------------------- in a browser


@pytest.fixture
def room_page(browser_ready, solara_server, solara_app, browser, monkeypatch):
    """Opens pages of the app in new browser sessions; yields open(path, name=None) -> page."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    contexts = []

    def open_page(path: str = "/", team: str | None = None):
        context = browser.new_context(accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(solara_server.base_url + path)
        if path == "/":
            page.locator(".orgsim-metric-day").wait_for(timeout=60_000)
        if team:
            box = page.get_by_label("Team name")
            box.fill(team)
            box.press("Enter")
        return page

    with solara_app(os.path.abspath(APP)):
        yield open_page
    for context in contexts:
        context.close()


def day_shown(page, text: str) -> None:
    page.locator(".orgsim-metric-day .orgsim-metric-value", has_text=text).wait_for()


def test_the_facilitator_sees_both_teams_and_downloads_them_all(room_page):
    red = room_page("/", "Red team")
    blue = room_page("/", "Blue <b>team</b>")
    blue.get_by_role("button", name="holacracy").click()
    blue.locator(".orgsim-org-circles").wait_for()
    for day in (1, 2):
        red.get_by_role("button", name="Step (1 day)").click()
        day_shown(red, f"{day} of 100")
    with red.expect_download() as download:
        red.get_by_role("button", name="Download summary (CSV)").click()
    assert download.value.suggested_filename.startswith("orgsim_red-team_baseline_hierarchy_day2")
    own = next(csv.DictReader(io.StringIO(open(download.value.path()).read())))
    assert (own["team"], own["pricing_authority"], own["incentives"]) == ("Red team", "unit", "sales_only")
    facilitator = room_page(f"/facilitator?token={TOKEN}")
    red_row = facilitator.locator(".orgsim-team-row", has_text="Red team")
    red_row.locator("td", has_text="2 of 100").wait_for(timeout=30_000)
    assert "hierarchy" in red_row.inner_text() and "pricing unit" in red_row.inner_text()
    blue_row = facilitator.locator(".orgsim-team-row", has_text="Blue <b>team</b>")  # shown as typed, not as HTML
    assert "holacracy" in blue_row.inner_text()
    with facilitator.expect_download() as download:
        facilitator.get_by_role("button", name="Download all teams (CSV)").click()
    rows = {row["team"]: row for row in csv.DictReader(io.StringIO(open(download.value.path()).read()))}
    assert rows["Red team"]["structure"] == "hierarchy" and rows["Red team"]["day"] == "2.0"
    assert rows["Blue <b>team</b>"]["structure"] == "holacracy"
    assert rows["Red team"]["pricing_authority"] == "unit" and int(rows["Red team"]["inquiries"]) > 0

    facilitator.get_by_role("button", name="Push to all teams").click()  # the yy company, on each one's structure
    for page in (red, blue):
        page.locator(".orgsim-metric-day .orgsim-metric-value", has_text="0 of 217").wait_for(timeout=60_000)
    assert blue.locator(".orgsim-org-circles").count() == 1
    facilitator.get_by_role("button", name="Reveal debrief").click()
    debrief = red.locator(".orgsim-debrief")
    debrief.wait_for(timeout=10_000)
    assert "Blue <b>team</b>" in debrief.inner_text() and "Red team" in debrief.inner_text()

    blue.context.close()  # a team that closes its page leaves the room
    blue_row.wait_for(state="detached", timeout=30_000)
    assert "Blue <b>team</b>" not in [team.name for team in ROOM.teams()]


def test_without_the_token_the_facilitators_page_shows_only_a_refusal(room_page):
    participant = room_page("/", "Curious team")
    assert participant.locator("a[href*='facilitator']").count() == 0  # no link to it on the page
    for path in ("/facilitator", "/facilitator?token=guess"):
        page = room_page(path)
        page.locator(".orgsim-refused").wait_for(timeout=60_000)
        assert page.locator(".orgsim-teams").count() == 0
        assert page.get_by_role("button", name="Push to all teams").count() == 0
        assert "Curious team" not in page.content()
