"""Writing report.md's pieces: numbers, tables and links to the figures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd


def fmt(value, digits: int = 3) -> str:
    """A number for a reader: thousands separated, `digits` significant digits below 1000, a dash for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    value = float(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def interval(mean, low, high) -> str:
    """A mean with its 95% interval, e.g. '12.3 [10.1, 14.5]'."""
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


def md_table(frame: pd.DataFrame) -> str:
    """The frame as a Markdown table (numbers through `fmt`), or '(none)' when it is empty."""
    if frame.empty:
        return "(none)\n"
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(fmt(v) if not isinstance(v, str) else v for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body]) + "\n"


def relative(path: Path, base: Path) -> str:
    """The path as report.md links it: relative to the report's folder, with forward slashes."""
    return str(path.relative_to(base)).replace("\\", "/")


def image(alt: str, paths: list[Path], base: Path) -> list[str]:
    """Lines that show a figure (its PNG, the first of `paths`) in report.md, then a blank line."""
    return [f"![{alt}]({relative(paths[0], base)})", ""]
