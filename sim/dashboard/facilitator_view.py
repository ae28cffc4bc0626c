"""The facilitator's page (`/facilitator?token=...`): every team side by side, live, and the room's controls.

HubNet is the model: the participants' pages are clients, this page sees the
whole room. It lists each team's name, structure, size, policies, day and
headline metrics, draws them on shared axes, exports them all (CSV, Parquet),
and pushes a scenario, a reset or the debrief to every team. Without the
token printed by `orgsim dashboard` it shows a refusal and nothing else.
"""

from __future__ import annotations

import html
import os
import threading
import time
from urllib.parse import parse_qs

import solara
from matplotlib.figure import Figure

from sim.dashboard import charts
from sim.dashboard.room import ROOM, TOKEN_ENV, TeamState, teams_csv, teams_parquet, token_matches
from sim.dashboard.session import format_value, scenario_names
from sim.dashboard.text import Caption
from sim.scenario import ScenarioError

REFRESH_S = 2.0  # how often the page looks for changes in the room
CHART_S = 10.0  # how often, at most, the shared-axes chart is drawn again
# What the shared-axes chart shows: a daily reporter and its title.
ROOM_SERIES = (
    ("conversion_rate", "Conversion (share so far)"),
    ("decision_time_mean_h", "Decision time (h, day mean)"),
    ("conflicts_open", "Open conflicts"),
    ("revenue", "Revenue so far"),
)
POLICY_FIELDS = (("pricing_authority", "pricing"), ("dealer_policy", "dealers"), ("incentives", "incentives"),
                 ("committee", "committee"), ("adaptation", "adaptation"))


def policies_text(team: TeamState) -> str:
    s = team.settings
    parts = [f"{label} {getattr(s, name)}" for name, label in POLICY_FIELDS]
    if s.training_hours_per_month:
        parts.append(f"training {s.training_hours_per_month:g} h/month")
    if s.everyone_helps_customers:
        parts.append("everyone helps customers")
    return ", ".join(parts + ([s.extra] if s.extra else []))


def _share(value) -> str:
    return "–" if value is None or value != value else f"{value:.1%}"  # value != value: not a number


def _hours(value) -> str:
    return "–" if value is None or value != value else f"{value:.2f}"


def teams_html(teams: list[TeamState]) -> str:
    """The teams as an HTML table; every cell is escaped (team names are typed by participants)."""
    header = ["Team", "Scenario", "Structure", "Size", "Policies", "Day", "Inquiries", "Conversion",
              "Decision time (h)", "Open conflicts", "Revenue", "Profit", "Busiest"]
    rows = []
    for team in teams:
        s = team.summary
        cells = [team.name, team.settings.scenario, team.settings.structure, f"{team.settings.employees:,}",
                 policies_text(team), f"{team.day:g} of {team.horizon_days}", format_value(s["inquiries"]),
                 _share(s["conversion_rate"]), _hours(s["decision_time_mean_h"]),
                 format_value(s["conflicts_open_at_end"]), format_value(round(s["revenue"])),
                 format_value(round(s["profit"])), str(s["bottleneck"])]
        rows.append('<tr class="orgsim-team-row">' + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
                    + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return ('<table class="orgsim-teams" style="border-collapse:collapse;font-size:0.85em">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "<style>.orgsim-teams td,.orgsim-teams th{border-bottom:1px solid #e0e0e0;padding:3px 8px;"
            "text-align:left;vertical-align:top}</style>")


def room_figure(teams: list[TeamState]) -> Figure:
    """Each team as one line on the same axes, one panel per metric, over working days."""
    figure = Figure(figsize=(11, 2.9), dpi=100)
    axes = figure.subplots(1, len(ROOM_SERIES), sharex=True)
    figure.subplots_adjust(left=0.05, right=0.84, bottom=0.17, top=0.88, wspace=0.3)
    for ax, (key, title) in zip(axes, ROOM_SERIES):
        for i, team in enumerate(teams):
            style = "-" if i < 10 else "--"  # ten colours: the next ten teams dashed
            # '$' would start matplotlib's mathtext in a legend: a team name is shown as typed.
            ax.plot(team.frame["day"], team.frame[key], style, color=f"C{i % 10}",
                    label=team.name.replace("$", r"\$"))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("working day", fontsize=8)
        ax.tick_params(labelsize=7)
    if teams:
        axes[-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    return figure


@solara.component
def RoomView(teams: list[TeamState], image: bytes | None):
    """The teams' table and their shared-axes chart (the facilitator's page and the debrief)."""
    if not teams:
        solara.Info("No team has joined yet: participants open the participants' link.")
        return
    solara.HTML(tag="div", unsafe_innerHTML=teams_html(teams), style="overflow-x:auto")
    if image:
        solara.Image(image, width="100%")
    Caption("Every line is one team, on the same axes: where one team's decision time climbs while another's stays "
            "flat, their structures or policies differ in what they send up the line.")


def use_room() -> tuple[list[TeamState], bytes | None]:
    """The room's teams and chart, read again in a worker thread whenever the room changes.

    The table follows every REFRESH_S; the chart at most every CHART_S, since drawing it costs about as
    much as a participant's Step and the server is shared with the whole room.
    """
    state = solara.use_reactive((-1, [], None))

    def follow(cancel: threading.Event) -> None:
        drawn_at, drawn_version = -CHART_S, -1
        while True:
            version = ROOM.version()
            chart_due = version != drawn_version and time.monotonic() - drawn_at >= CHART_S
            if version != state.value[0] or chart_due:
                teams = ROOM.teams()
                image = state.value[2]
                if chart_due:
                    image = charts.png(room_figure(teams)) if teams else None
                    drawn_at, drawn_version = time.monotonic(), version
                state.set((version, teams, image))
            if cancel.wait(REFRESH_S):
                return

    solara.use_thread(follow, dependencies=[], intrusive_cancel=False)
    return state.value[1], state.value[2]


@solara.component
def RoomControls():
    """Push a scenario to every team, reset them all, and reveal or hide the debrief."""
    names = scenario_names()
    scenario = solara.use_reactive("yy_company" if "yy_company" in names else names[0])
    keep = solara.use_reactive(True)
    status = solara.use_reactive("")

    def push():
        try:
            ROOM.push_scenario(scenario.value, keep.value)
            status.set(f"Sent {scenario.value} to every team.")
        except ScenarioError as problem:
            status.set(str(problem))

    def reset():
        ROOM.reset_all()
        status.set("Every team starts again from day 0.")

    def reveal():
        ROOM.reveal()
        status.set("The debrief is on every team's page (the results as they are now).")

    def hide():
        ROOM.hide()
        status.set("The debrief is hidden again.")

    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}, classes=["orgsim-room-controls"]):
        solara.Select("Scenario to push", values=names, value=scenario, style={"max-width": "240px"})
        solara.Checkbox(label="Keep each team's structure", value=keep)
        solara.Button("Push to all teams", on_click=push, classes=["orgsim-push"])
        solara.Button("Reset all teams", on_click=reset, classes=["orgsim-reset-all"])
        solara.Button("Reveal debrief", on_click=reveal, classes=["orgsim-reveal"])
        if ROOM.debrief is not None:
            solara.Button("Hide debrief", on_click=hide, classes=["orgsim-hide"])
    if status.value:
        solara.Text(status.value, classes=["orgsim-room-status"])
    Caption("Push starts every team on the scenario (on its own structure if ticked), reset starts every team "
            "again at day 0, and the debrief shows every team the table and chart below as they are when revealed.")


@solara.component
def FacilitatorPage():
    """The room as the facilitator sees it; a refusal without the right token."""
    router = solara.use_router()
    given = parse_qs(router.search or "").get("token", [""])[0]
    solara.Title("orgsim: facilitator")
    if not token_matches(given, os.environ.get(TOKEN_ENV)):
        solara.Error("This page is for the workshop's facilitator. Open the facilitator's link that "
                     "`orgsim dashboard` printed when it started.", classes=["orgsim-refused"])
        return
    FacilitatorRoom()


@solara.component
def FacilitatorRoom():
    teams, image = use_room()
    with solara.Column(classes=["orgsim-facilitator"], style={"padding": "12px"}):
        solara.Text(f"The room: {len(teams)} team{'s' if len(teams) != 1 else ''}",
                    style={"font-weight": "600", "font-size": "1.3em"}, classes=["orgsim-team-count"])
        RoomControls()
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.FileDownload(lambda: teams_csv(ROOM.teams()), filename="orgsim_room_teams.csv",
                                label="Download all teams (CSV)", mime_type="text/csv")
            solara.FileDownload(lambda: teams_parquet(ROOM.teams()), filename="orgsim_room_teams.parquet",
                                label="Download all teams (Parquet)", mime_type="application/octet-stream")
        RoomView(teams, image)
        Caption(f"This page follows the room by itself: the table every {REFRESH_S:g} s, the chart every "
                f"{CHART_S:g} s.")

