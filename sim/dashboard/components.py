"""The dashboard's Solara panels. Each takes what it shows as arguments and holds no model itself.

Captions are plain language for workshop participants; every panel redraws
only when the session's `version` changes.
"""

from __future__ import annotations

import math
from typing import Callable

import solara

from sim.dashboard import charts, orgchart
from sim.dashboard.session import (
    COMMITTEES,
    DEALER_POLICIES,
    DEFAULT_RESULTS_DIR,
    INCENTIVES,
    PRICING_AUTHORITIES,
    STRUCTURE_NAMES,
    Comparison,
    Session,
    Settings,
    Snapshot,
    compare_structures,
    format_value,
    open_results,
    scenario_description,
    scenario_names,
)
from sim.scenario import ScenarioError

CAPTION_STYLE = "color: #555555; font-size: 0.9em; margin: 0 0 8px 0;"


def markdown_html(text: str, escape: bool = True) -> str:
    """Markdown to HTML on the server. (solara.Markdown would load mermaid from a CDN: not offline.)"""
    import html

    import markdown

    if escape:
        text = html.escape(text, quote=False)
    return markdown.markdown(text, extensions=["tables"])


@solara.component
def Md(text: str, style: str = "", classes: list[str] = [], escape: bool = True):
    """Markdown rendered to plain HTML (no JavaScript, nothing fetched)."""
    solara.HTML(tag="div", unsafe_innerHTML=markdown_html(text, escape), style=style, classes=classes)


@solara.component
def Caption(text: str):
    Md(text, style=CAPTION_STYLE, classes=["orgsim-caption"])


# --------------------------------------------------------------------------- settings


@solara.component
def SettingsPanel(draft: solara.Reactive[Settings], on_scenario: Callable[[str], None]):
    """Scenario, structure, size and policies. Any change starts the company afresh."""
    value = draft.value

    def setter(field: str):
        return lambda new: draft.set(draft.value.with_(**{field: new}))

    solara.Select("Scenario", values=scenario_names(), value=value.scenario, on_value=on_scenario)
    Caption(scenario_description(value.scenario))
    solara.ToggleButtonsSingle(value=value.structure, values=list(STRUCTURE_NAMES), on_value=setter("structure"),
                               classes=["orgsim-structure"])
    solara.InputInt("Employees", value=value.employees, on_value=setter("employees"), continuous_update=False)
    solara.InputInt("Seed", value=value.seed, on_value=setter("seed"), continuous_update=False)
    solara.Select("Pricing authority", values=list(PRICING_AUTHORITIES), value=value.pricing_authority,
                  on_value=setter("pricing_authority"))
    solara.Select("Dealer policy", values=list(DEALER_POLICIES), value=value.dealer_policy,
                  on_value=setter("dealer_policy"))
    solara.Select("Incentives", values=list(INCENTIVES), value=value.incentives, on_value=setter("incentives"))
    solara.Select("Cross-unit committee", values=list(COMMITTEES), value=value.committee,
                  on_value=setter("committee"))
    solara.SliderFloat("Training (hours per month)", value=value.training_hours_per_month, min=0, max=20, step=1,
                       on_value=setter("training_hours_per_month"))
    solara.Checkbox(label="Everyone helps customers", value=value.everyone_helps_customers,
                    on_value=setter("everyone_helps_customers"))
    solara.InputText("More settings (key=value, comma separated)", value=value.extra, on_value=setter("extra"),
                     continuous_update=False)
    Caption(
        "Pricing authority: who may grant a discount (the top, each unit, or the person answering). "
        "Dealer policy: send inquiries to regional dealers (assign), sell directly online (direct), or sell "
        "online and share the profit with the dealer (o2o). Changing any setting starts the company afresh. "
        "More settings take any scenario key, e.g. `market.price_premium=0.2`."
    )


@solara.component
def RunControls(session: Session, playing: solara.Reactive[bool], on_step: Callable[[], None],
                on_reset: Callable[[], None], snapshot: Snapshot, speed: solara.Reactive[int]):
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Reset", icon_name="mdi-restart", on_click=on_reset, classes=["orgsim-reset"])
        solara.Button("Step (1 day)", icon_name="mdi-skip-next", on_click=on_step, disabled=playing.value,
                      classes=["orgsim-step"])
        if playing.value:
            solara.Button("Pause", icon_name="mdi-pause", on_click=lambda: playing.set(False), classes=["orgsim-play"])
        else:
            solara.Button("Play", icon_name="mdi-play", on_click=lambda: playing.set(True),
                          disabled=snapshot.day >= snapshot.horizon_days, classes=["orgsim-play"])
        solara.Select("Days per update when playing", values=[1, 5, 20], value=speed, style={"max-width": "220px"})
    Caption("Step runs one working day (8 hours). Play runs day after day until the scenario's horizon; "
            "more days per update make it faster.")


# --------------------------------------------------------------------------- metrics


def _percent(value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


@solara.component
def Metric(key: str, label: str, text: str):
    with solara.Column(gap="0px", classes=[f"orgsim-metric-{key}"],
                       style={"padding": "6px 12px", "border": "1px solid #e0e0e0", "border-radius": "6px",
                              "min-width": "110px"}):
        solara.Text(label, style={"font-size": "0.8em", "color": "#666666"})
        solara.Text(text, classes=["orgsim-metric-value"], style={"font-size": "1.3em", "font-weight": "600"})


@solara.component
def MetricCards(snapshot: Snapshot):
    s = snapshot.summary
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["orgsim-metrics"]):
        Metric("day", "Working day", f"{snapshot.day:g} of {snapshot.horizon_days}")
        Metric("inquiries", "Inquiries", format_value(s["inquiries"]))
        Metric("conversion", "Conversion", _percent(s["conversion_rate"]))
        Metric("decision", "Decision time (mean)", f"{format_value(s['decision_time_mean_h'])} h")
        Metric("conflicts", "Open conflicts", format_value(s["conflicts_open_at_end"]))
        Metric("revenue", "Revenue", format_value(round(s["revenue"])))
    Caption(
        f"{snapshot.scenario}: {snapshot.employees:,} people under **{snapshot.structure}**. "
        "Decision time is from a request (a discount, a customization) to its answer; conversion is the share of "
        "answered inquiries that bought."
    )


@solara.component
def TimeSeriesPanel(snapshot: Snapshot, company: int):
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
    view = snapshot.org
    image = solara.use_memo(lambda: charts.png(orgchart.org_figure(view)), [snapshot.version])
    title = "Circles" if view.kind == "circles" else "Org chart"
    with solara.Column(classes=[f"orgsim-org-{view.kind}"], gap="0px"):
        Md(f"**{title}** ({snapshot.structure})")
        solara.Image(image, width="100%")
        Caption(f"{view.note} Colour shows the longest queue of work waiting there: dark red is the bottleneck. "
                f"{view.bottleneck}")


@solara.component
def ExportPanel(session: Session, snapshot: Snapshot):
    day = int(snapshot.day)
    stem = f"orgsim_{snapshot.scenario.replace('/', '_')}_{snapshot.structure}_day{day}"
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(session.timeseries_csv, filename=f"{stem}_timeseries.csv",
                            label="Download time series (CSV)", mime_type="text/csv")
        solara.FileDownload(session.summary_csv, filename=f"{stem}_summary.csv",
                            label="Download summary (CSV)", mime_type="text/csv")
    Caption("What you see, as spreadsheets: one row per working day, and the headline metrics of the run so far.")


# --------------------------------------------------------------------------- compare


def summary_markdown(comparison: Comparison) -> str:
    """The headline metrics by structure as a markdown table."""
    table = comparison.table()
    names = list(table.columns)
    lines = ["| metric | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    for metric, row in table.iterrows():
        lines.append(f"| {metric} | " + " | ".join(format_value(row[n]) for n in names) + " |")
    return "\n".join(lines)


@solara.component
def CompareView(settings: Settings, default_days: int):
    days = solara.use_reactive(default_days)
    result = solara.use_reactive(None)
    error = solara.use_reactive(None)
    latest = solara.use_ref(settings)
    latest.current = settings  # the task runs with the settings of the last render

    def run() -> None:
        error.set(None)
        try:
            result.set(compare_structures(latest.current, int(days.value)))
        except ScenarioError as problem:
            error.set(str(problem))
        except Exception as problem:  # never let a bad run break the session
            error.set(f"The comparison failed: {problem}")

    task = solara.lab.use_task(run, dependencies=None)
    comparison: Comparison | None = result.value
    lines = solara.use_memo(lambda: comparison and charts.compare_figure(comparison.frames), [id(comparison)])
    bars = solara.use_memo(lambda: comparison and charts.compare_bars(comparison.summaries), [id(comparison)])
    Md("### Hierarchy, holacracy and hybrid side by side")
    Caption(
        "The company in the side panel runs under each structure on the same seed, so every structure meets "
        "exactly the same customers; only how the company decides differs."
    )
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt("Days to run", value=days, continuous_update=False)
        solara.Button("Run comparison", icon_name="mdi-compare", on_click=task, disabled=task.pending,
                      classes=["orgsim-compare-run"])
    if task.pending:
        solara.ProgressLinear(True)
    if days.value < 1 or days.value > 5000:
        solara.Error("Days to run must be between 1 and 5000.")
    if error.value:
        solara.Error(error.value)
    if comparison is None:
        solara.Info("Press Run comparison to run all three structures.")
        return
    with solara.Column(classes=["orgsim-compare"]):
        solara.FigureMatplotlib(lines, dependencies=[id(comparison)], format="png")
        Caption(
            f"Working days 1–{comparison.days}, seed {comparison.seed}: each line is one structure, on shared axes. "
            "Decision time is smoothed over 5 days."
        )
        solara.FigureMatplotlib(bars, dependencies=[id(comparison)], format="png")
        Caption("The headline metrics at the end of the comparison.")
        Md(summary_markdown(comparison))


# --------------------------------------------------------------------------- sweep results


@solara.component
def ResultsView():
    folder = solara.use_reactive(DEFAULT_RESULTS_DIR)
    chosen = solara.use_reactive(None)
    found = solara.use_memo(lambda: open_results(folder.value), [folder.value])
    Md("### A finished sweep's figures")
    Caption(
        "Open the results folder of `orgsim sweep` / `orgsim report` (relative to where the dashboard was "
        "started) and browse its figures."
    )
    solara.InputText("Results folder", value=folder, continuous_update=False)
    if found.problem:
        solara.Warning(found.problem)
    if not found.figures:
        return
    names = [str(p.relative_to(found.path)) for p in found.figures]
    current = chosen.value if chosen.value in names else names[0]
    solara.Select(f"Figure ({len(names)} found)", values=names, value=current, on_value=chosen.set)
    try:
        data = (found.path / current).read_bytes()
    except OSError as problem:
        solara.Error(f"cannot read {current}: {problem.strerror or problem}")
        return
    solara.Image(data, width="100%", classes=["orgsim-result-figure"])
    if found.report:
        with solara.Details("report.md"):
            Md(found.report)
