"""The Simulation tab's panels: headline numbers, the days so far, where inquiries went, the org chart, export.

Each takes a `Snapshot` (or a `Picture`: a snapshot with its charts drawn) and
holds no model itself; it redraws only when the session's `version` changes.
"""

from __future__ import annotations

import math

import solara

from sim.dashboard import charts, orgchart
from sim.dashboard.painter import Picture
from sim.dashboard.room import ROOM, team_file_stem, team_summary_csv
from sim.dashboard.session import Session, Snapshot, format_value
from sim.dashboard.text import Caption


def _percent(value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


@solara.component
def Metric(key: str, label: str, text: str):
    """One headline number in a card; `key` names it for the page (`orgsim-metric-<key>`)."""
    with solara.Column(gap="0px", classes=[f"orgsim-metric-{key}"],
                       style={"padding": "2px 8px", "border": "1px solid #e0e0e0", "border-radius": "6px",
                              "flex": "1 1 0", "min-width": "90px"}):
        solara.Text(label, style={"font-size": "0.75em", "color": "#666666", "white-space": "nowrap"})
        solara.Text(text, classes=["orgsim-metric-value"], style={"font-size": "1.1em", "font-weight": "600"})


@solara.component
def MetricCards(snapshot: Snapshot):
    """The day, inquiries, conversion, decision time, open conflicts and revenue so far."""
    s = snapshot.summary
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}, classes=["orgsim-metrics"]):
        Metric("day", "Working day", f"{snapshot.day:g} of {snapshot.horizon_days}")
        Metric("inquiries", "Inquiries", format_value(s["inquiries"]))
        Metric("conversion", "Conversion", _percent(s["conversion_rate"]))
        Metric("decision", "Decision time", f"{format_value(s['decision_time_mean_h'])} h")
        Metric("conflicts", "Open conflicts", format_value(s["conflicts_open_at_end"]))
        Metric("revenue", "Revenue", format_value(round(s["revenue"])))
        Metric("busiest", "Busiest person", _percent(s["utilization_max"]))
        Metric("adaptations", "Adaptations", format_value(s["adaptations"]))


@solara.component
def MetricsCaption(snapshot: Snapshot):
    """What the headline numbers mean."""
    s = snapshot.summary
    Caption(
        f"{snapshot.scenario}: {snapshot.employees:,} people under **{snapshot.structure}**. "
        "Decision time (mean) is from a request (a discount, a customization) to its answer; conversion is the "
        f"{charts.CONVERSION}, still open ones included. The busiest person is the {s['bottleneck']}: busy that share of their "
        "working time (near 100%, work piles up there). Adaptations: deputies hired, authority delegated, "
        "integrators between units, circles split, when someone stayed overloaded."
    )


@solara.component
def TimeSeriesPanel(picture: Picture):
    """Decision time, conflicts and conversion, day by day."""
    with solara.Column(gap="0px", classes=["orgsim-timeseries"]):
        solara.Image(picture.timeseries_png, width="100%")


@solara.component
def TimeSeriesCaption(snapshot: Snapshot):
    """What the time series show, and the reorganization day when the scenario has one."""
    change = snapshot.reorganization
    marked = f" The dashed line marks day {change[0]}, when the company reorganizes into {change[1]}." if change else ""
    Caption(
        "Day by day: how long decisions took, how many conflicts opened and are still open, and how many "
        f"inquiries became orders so far. Rising decision time with flat demand points at a bottleneck.{marked} "
        "Why customers did not buy: the price (no discount granted in time or possible), the product "
        "(customization refused), a slow answer (the lead went cold), or a dealer that kept the sale."
    )


@solara.component
def LossPanel(snapshot: Snapshot):
    """Where the inquiries went, as plain HTML bars (instant to update)."""
    shares = charts.outcome_shares(snapshot.summary)
    largest = max(1, *(count for count, _ in shares.values()))
    rows = []
    for key, label in charts.OUTCOME_LABELS.items():
        value, part = shares[key]
        share = f" ({_percent(part)})" if value else ""
        rows.append(
            f'<div style="display:flex;align-items:center;margin:2px 0">'
            f'<span style="display:inline-block;flex:0 0 110px;font-size:0.85em">{label}</span>'
            f'<span style="display:inline-block;height:14px;width:{70 * value / largest:.1f}%;'
            f'background:{charts.OUTCOME_COLOURS[key]};margin-right:6px"></span>'
            f'<span style="font-size:0.8em;white-space:nowrap">{value:,}{share}</span></div>'
        )
    with solara.Column(gap="0px", classes=["orgsim-losses"]):
        solara.Text("What became of the inquiries (share of all, as on the conversion card)",
                    style={"font-size": "0.85em", "font-weight": "600"})
        solara.HTML(tag="div", unsafe_innerHTML="".join(rows))


@solara.component
def OrgPanel(picture: Picture):
    """The org chart the structure declares, coloured by where work waits, and who is the bottleneck."""
    view = picture.snapshot.org
    with solara.Column(classes=[f"orgsim-org-{view.kind}"], gap="0px"):
        solara.Text(f"{view.title} ({picture.snapshot.structure}). {view.bottleneck}", classes=["orgsim-bottleneck"],
                    style={"font-size": "0.85em"})
        solara.Image(picture.org_png, width="100%")


@solara.component
def OrgCaption(snapshot: Snapshot):
    """How the org chart aggregates the company, and its colours."""
    view = snapshot.org
    Caption(f"{view.title}: {view.note} Colour: the longest queue of work waiting there, from yellow (none) to "
            f"dark red ({orgchart.color_top(view)} items or more).")


@solara.component
def ExportPanel(session: Session, snapshot: Snapshot):
    """Downloads of the daily observations and the headline metrics so far, as CSV."""
    stem = team_file_stem(ROOM.name_of(session), session.settings, snapshot.day)  # the team's name tells files apart
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(session.timeseries_csv, filename=f"{stem}_timeseries.csv",
                            label="Download time series (CSV)", mime_type="text/csv")
        solara.FileDownload(lambda: team_summary_csv(session, ROOM.name_of(session)), filename=f"{stem}_summary.csv",
                            label="Download summary (CSV)", mime_type="text/csv")
    Caption("What you see, as spreadsheets: one row per working day, and the headline metrics of the run so far.")
