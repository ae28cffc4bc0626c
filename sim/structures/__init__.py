"""Organizational structures behind one interface.

Each module in this package defines one structure and registers it with
`@register`; adding a structure is adding a file here, nothing else.
"""

import importlib
import pkgutil

from sim.structures.base import STRUCTURES, Structure, register

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")



def colour_of(name: str) -> str:
    """The colour structure `name` declares, the same in every chart; grey for a name no structure has."""
    return STRUCTURES.get(name, Structure).colour


__all__ = ["STRUCTURES", "Structure", "colour_of", "register"]
