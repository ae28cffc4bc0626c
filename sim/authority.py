"""Delegation of authority: how large a discount, how costly a customization each rank may grant.

Companies write their decision rights down as a delegation-of-authority
schedule (an approval matrix): a sales employee may grant a small discount,
a team lead a larger one, the head of a unit more, and the top anything. A
schedule here gives each rank below the top a limit per kind of decision:

- PRICE: the discount, as a share off the list price;
- CUSTOMIZATION: the cost of the customization, as a share of the order's value.

A decision climbs the requester's line of authority (`Structure.grantor`)
only to the lowest holder whose limit covers it; the top (the general
manager, the anchor circle) may grant anything. Every holder carries limits
of their own (`holder.limits`), set from the schedule by rank when the
structure is built, so that adaptation can delegate a level of authority down
(`sim.adaptation`). Everyone of one rank may hold the same table, so a
holder's limits are replaced, never changed in place.

The schedules `top`, `unit` and `frontline` are the first edition's pricing
authorities written as schedules: only the top, every unit's head, or the
person answering grants a discount. `graded` is a typical written approval
matrix (staff 5%, team leads 10%, unit heads 20%). Under every preset a
customization's cost is for the unit heads to accept, as in the first edition,
except `graded`, where leads accept small ones. `custom` reads the scenario's
`[authority]` table.
"""

from __future__ import annotations

import math

from sim.records import CUSTOMIZATION, PRICE

RANKS = ("staff", "lead", "head")  # below the top, whose authority has no limit
UNLIMITED = math.inf

SCHEDULES: dict[str, dict[str, tuple[float, float, float]]] = {
    "top": {PRICE: (0.0, 0.0, 0.0), CUSTOMIZATION: (0.0, 0.0, UNLIMITED)},
    "unit": {PRICE: (0.0, 0.0, UNLIMITED), CUSTOMIZATION: (0.0, 0.0, UNLIMITED)},
    "frontline": {PRICE: (UNLIMITED, UNLIMITED, UNLIMITED), CUSTOMIZATION: (0.0, 0.0, UNLIMITED)},
    "graded": {PRICE: (0.05, 0.10, 0.20), CUSTOMIZATION: (0.0, 0.05, 0.15)},
}


def schedule(params) -> dict[str, tuple[float, float, float]]:
    """The schedule a scenario uses: a preset named by `policies.pricing_authority`, or its `[authority]` table."""
    name = params.policies.pricing_authority
    if name != "custom":
        return SCHEDULES[name]
    table = params.authority
    return {
        PRICE: tuple(table.discount[rank] for rank in RANKS),
        CUSTOMIZATION: tuple(table.customization[rank] for rank in RANKS),
    }


def limits_for(rank: str, table: dict[str, tuple[float, float, float]]) -> dict[str, float]:
    """A holder's limits by kind of decision, for a rank ('top' grants anything)."""
    if rank == "top":
        return {kind: UNLIMITED for kind in table}
    index = RANKS.index(rank)
    return {kind: limits[index] for kind, limits in table.items()}
