"""Looking inside a rendered Solara page without a browser: its widgets and those carrying a CSS class."""

from __future__ import annotations

import ipywidgets


def widgets_of(root):
    """Every widget reachable from `root` through its traits (children, slots, ...), each once."""
    seen, stack = set(), [root]
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        yield widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            for child in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(child, ipywidgets.Widget):
                    stack.append(child)


def with_class(root, name: str):
    """The widgets under `root` whose CSS classes include `name`."""
    return [w for w in widgets_of(root) if name in (getattr(w, "class_", None) or "").split()]
