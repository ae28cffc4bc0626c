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


@solara.component
def SettingsPanel(draft: solara.Reactive[Settings], on_scenario: Callable[[str], None]):
    """Scenario, structure, size and policies. Any change starts the company afresh."""
    value = draft.value

    def setter(field: str):
        return lambda new: draft.set(draft.value.with_(**{field: new}))

    solara.Select("Scenario", values=scenario_names(), value=value.scenario, on_value=on_scenario)
    Caption(scenario_description(value.scenario))
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
    solara.SliderFloat("Training (hours per month)", value=value.training_hours_per_month, min=0, max=20, step=1,
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


@solara.component
def RunControls(session: Session, playing: solara.Reactive[bool], on_step: Callable[[], None],
                on_reset: Callable[[], None], snapshot: Snapshot, speed: solara.Reactive[int]):
    """Reset, step a day, play and pause, and how many days each update runs while playing."""
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
