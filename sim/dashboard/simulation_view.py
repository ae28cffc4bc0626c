"""The Simulation tab's panels: headline numbers, the days so far, where inquiries went, the org chart, export.

Each takes a `Snapshot` and holds no model itself; it redraws only when the
session's `version` changes.
"""

from __future__ import annotations

import math

import solara

from sim.dashboard import charts, orgchart
from sim.dashboard.session import Session, Snapshot, format_value
from sim.dashboard.text import Caption, Md


def _percent(value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


@solara.component
def Metric(key: str, label: str, text: str):
    """One headline number in a card; `key` names it for the page (`orgsim-metric-<key>`)."""
    with solara.Column(gap="0px", classes=[f"orgsim-metric-{key}"],
                       style={"padding": "6px 12px", "border": "1px solid #e0e0e0", "border-radius": "6px",
                              "min-width": "110px"}):
        solara.Text(label, style={"font-size": "0.8em", "color": "#666666"})
        solara.Text(text, classes=["orgsim-metric-value"], style={"font-size": "1.3em", "font-weight": "600"})


@solara.component
def MetricCards(snapshot: Snapshot):
    """The day, inquiries, conversion, decision time, open conflicts and revenue so far."""
    s = snapshot.summary
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["orgsim-metrics"]):
        Metric("day", "Working day", f"{snapshot.day:g} of {snapshot.horizon_days}")
        Metric("inquiries", "Inquiries", format_value(s["inquiries"]))
        Metric("conversion", "Conversion", _percent(s["conversion_rate"]))
        Metric("decision", "Decision time (mean)", f"{format_value(s['decision_time_mean_h'])} h")
        Metric("conflicts", "Open conflicts", format_value(s["conflicts_open_at_end"]))
        Metric("revenue", "Revenue", format_value(round(s["revenue"])))
        Metric("busiest", "Busiest person (busy share)", _percent(s["utilization_max"]))
        Metric("adaptations", "Adaptations", format_value(s["adaptations"]))
    Caption(
        f"{snapshot.scenario}: {snapshot.employees:,} people under **{snapshot.structure}**. "
        "Decision time is from a request (a discount, a customization) to its answer; conversion is the share of "
        f"all inquiries that bought. The busiest person is the {s['bottleneck']}: busy that share of their "
        "working time (near 100%, work piles up there). Adaptations: deputies hired, authority delegated, "
        "integrators between units, circles split, when someone stayed overloaded."
    )


@solara.component
def TimeSeriesPanel(snapshot: Snapshot, company: int):
    """Decision time, conflicts and conversion, day by day."""
    # One chart per company (`company` changes on reset); each day only its data change.
    chart = solara.use_memo(lambda: charts.TimeSeriesChart(snapshot.horizon_days), [company])
    image = solara.use_memo(lambda: charts.png(chart.draw(snapshot.frame)), [snapshot.version, company])
    solara.Image(image, width="100%")
    Caption(
        "Day by day: how long decisions took, how many conflicts opened and are still open, and how many "
        "inquiries became orders so far. Rising decision time with flat demand points at a bottleneck."
    )


@solara.component
def LossPanel(snapshot: Snapshot):
    """Where the inquiries went, as plain HTML bars (instant to update)."""
    s = snapshot.summary
    values = {key: int(s.get(key) or 0) for key in charts.OUTCOME_LABELS}
    total = sum(values.values())
    largest = max(1, *values.values())
    rows = []
    for key, label in charts.OUTCOME_LABELS.items():
        value = values[key]
        share = f" ({value / total:.0%})" if total else ""
        rows.append(
            f'<div style="display:flex;align-items:center;margin:2px 0">'
            f'<span style="display:inline-block;flex:0 0 110px;font-size:0.85em">{label}</span>'
            f'<span style="display:inline-block;height:14px;width:{70 * value / largest:.1f}%;'
            f'background:{charts.OUTCOME_COLOURS[key]};margin-right:6px"></span>'
            f'<span style="font-size:0.8em;white-space:nowrap">{value:,}{share}</span></div>'
        )
    with solara.Column(gap="0px", classes=["orgsim-losses"]):
        Md("**What became of the inquiries**")
        solara.HTML(tag="div", unsafe_innerHTML="".join(rows))
        Caption(
            "Why customers did not buy: the price (no discount granted in time or possible), the product "
            "(customization refused), a slow answer (the lead went cold), or a dealer that kept the sale."
        )


@solara.component
def OrgPanel(snapshot: Snapshot):
    """The org chart the structure declares, coloured by where work waits, and who is the bottleneck."""
    view = snapshot.org
    image = solara.use_memo(lambda: charts.png(orgchart.org_figure(view)), [snapshot.version])
    with solara.Column(classes=[f"orgsim-org-{view.kind}"], gap="0px"):
        Md(f"**{view.title}** ({snapshot.structure})")
        solara.Image(image, width="100%")
        Caption(f"{view.note} Colour shows the longest queue of work waiting there: dark red is the bottleneck. "
                f"{view.bottleneck}")


@solara.component
def ExportPanel(session: Session, snapshot: Snapshot):
    """Downloads of the daily observations and the headline metrics so far, as CSV."""
    day = int(snapshot.day)
    stem = f"orgsim_{snapshot.scenario.replace('/', '_')}_{snapshot.structure}_day{day}"
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(session.timeseries_csv, filename=f"{stem}_timeseries.csv",
                            label="Download time series (CSV)", mime_type="text/csv")
        solara.FileDownload(session.summary_csv, filename=f"{stem}_summary.csv",
                            label="Download summary (CSV)", mime_type="text/csv")
    Caption("What you see, as spreadsheets: one row per working day, and the headline metrics of the run so far.")
