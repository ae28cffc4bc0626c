"""The side panel's settings and the run controls (reset, step, play): what a participant changes."""

from __future__ import annotations

from typing import Callable

import solara

from sim.dashboard.session import (
    ADAPTATIONS,
    AGGREGATIONS,
    COMMITTEES,
    DEALER_POLICIES,
    INCENTIVES,
    PRICING_AUTHORITIES,
    Session,
    Settings,
    Snapshot,
    scenario_description,
    scenario_names,
    structure_names,
)
from sim.dashboard.text import Caption
from sim.scenario import ScenarioError


def _scenario_size(name: str) -> int | None:
    try:
        return Settings.for_scenario(name).employees
    except ScenarioError:
        return None


@solara.component
def SettingsPanel(draft: solara.Reactive[Settings], on_scenario: Callable[[str], None]):
    """Scenario, structure, size and policies. Any change starts the company afresh."""
    value = draft.value

    def setter(field: str):
        return lambda new: draft.set(draft.value.with_(**{field: new}))

    solara.Select("Scenario", values=scenario_names(), value=value.scenario, on_value=on_scenario)
    described = solara.use_memo(lambda: _scenario_size(value.scenario), [value.scenario])
    other_size = f" (the scenario as described has {described:,})" if described not in (None, value.employees) else ""
    Caption(f"{scenario_description(value.scenario)} Your company: {value.employees:,} employees, starting "
            f"under **{value.structure}**{other_size}.")
    solara.ToggleButtonsSingle(value=value.structure, values=list(structure_names()), on_value=setter("structure"),
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
    solara.Select("Adaptation", values=list(ADAPTATIONS), value=value.adaptation, on_value=setter("adaptation"))
    solara.Select("Judges combine by", values=list(AGGREGATIONS), value=value.aggregation,
                  on_value=setter("aggregation"))
    solara.SliderFloat(f"Training: {value.training_hours_per_month:g} hours per month",
                       value=value.training_hours_per_month, min=0, max=20, step=1,
                       on_value=setter("training_hours_per_month"))
    solara.Checkbox(label="Everyone helps customers", value=value.everyone_helps_customers,
                    on_value=setter("everyone_helps_customers"))
    solara.InputText("More settings (key=value, comma separated)", value=value.extra, on_value=setter("extra"),
                     continuous_update=False)
    Caption(
        "Pricing authority: who may grant a discount (the top, each unit, or the person answering). "
        "Dealer policy: send inquiries to regional dealers (assign), sell directly online (direct), or sell "
        "online and share the profit with the dealer (o2o). Incentives: units rewarded on their own work "
        "(sales_only) or on the company's (integrated) take on others' requests as their load allows. "
        "Adaptation: an overloaded office delegates, links units or gets deputies (adaptive), or never (none). "
        "Judges combine by: all must approve (hierarchy), any may (polyarchy), or a quorum votes (committee). "
        "Changing any setting starts the company afresh. "
        "More settings take any scenario key, e.g. `market.price_premium=0.2`."
    )


DAYS_PER_UPDATE = [1, 5, 20]
SECONDS_BETWEEN_UPDATES = [0.0, 0.25, 0.5, 1.0, 2.0]


@solara.component
def RunControls(playing: solara.Reactive[bool], on_step: Callable[[], None], on_reset: Callable[[], None],
                snapshot: Snapshot, days: solara.Reactive[int], seconds: solara.Reactive[float],
                blocked: bool = False):
    """Reset, step a day, play and pause, and the speed of play: days per update and seconds between updates.

    `blocked`: the side panel holds settings that cannot run, so neither Step nor Play may go on.
    """
    at_end = snapshot.day >= snapshot.horizon_days
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["orgsim-run"]):
        solara.Button("Reset", icon_name="mdi-restart", on_click=on_reset, classes=["orgsim-reset"])
        solara.Button("Step (1 day)", icon_name="mdi-skip-next", on_click=on_step,
                      disabled=playing.value or blocked or at_end, classes=["orgsim-step"])
        if playing.value:
            solara.Button("Pause", icon_name="mdi-pause", on_click=lambda: playing.set(False), classes=["orgsim-play"])
        else:
            solara.Button("Play", icon_name="mdi-play", on_click=lambda: playing.set(True),
                          disabled=blocked or at_end, classes=["orgsim-play"])
        solara.Select("Days per update when playing", values=DAYS_PER_UPDATE, value=days, dense=True,
                      style={"max-width": "200px"}, classes=["orgsim-days-per-update"])
        solara.Select("Seconds between updates", values=SECONDS_BETWEEN_UPDATES, value=seconds, dense=True,
                      style={"max-width": "190px"}, classes=["orgsim-seconds-between"])


@solara.component
def RunCaption():
    """What Step, Play and the speed controls do (shown under the charts, which come first on a small screen)."""
    Caption("Step runs one working day (8 hours). Play runs update after update to the horizon, each update "
            "the chosen days, at most one every chosen seconds; Pause stops after the update under way.")
