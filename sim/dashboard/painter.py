"""The pictures of one company at one instant, drawn once, before the page renders them.

Drawing the charts (matplotlib to PNG) costs far more than stepping a day.
Done inside a render pass it held the page's render lock, so a click (Pause)
waited for it; the thread that steps the company calls `Painter.take` first,
and the render that follows finds the picture ready.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sim.dashboard import charts, orgchart
from sim.dashboard.session import Session, Snapshot

ORG_SIZE = (5.0, 2.8)  # inches: beside the time series, above the losses, on a 1280x720 screen


@dataclass(eq=False)
class Picture:
    """A snapshot of the company and its charts as PNG bytes."""

    snapshot: Snapshot
    timeseries_png: bytes
    org_png: bytes

    @property
    def version(self) -> int:
        return self.snapshot.version


class Painter:
    """One session's charts: the time-series figure is built once per company and only its data change."""

    def __init__(self):
        self.lock = threading.Lock()  # the play thread and a click may both ask for a picture
        self.picture: Picture | None = None
        self.company = None
        self.chart: charts.TimeSeriesChart | None = None
        self.org: orgchart.OrgImage | None = None  # drawn again only when the boxes change

    def take(self, session: Session) -> Picture:
        """The picture of the session's current day: drawn now, or the one drawn already for it."""
        with self.lock:
            if self.picture is not None and self.picture.version == session.version:
                return self.picture
            snapshot = session.snapshot()
            if self.chart is None or self.company != session.company:
                self.chart = charts.TimeSeriesChart(snapshot.horizon_days, snapshot.reorganization)
                self.company = session.company
            if self.org is None or not self.org.fits(snapshot.org):
                self.org = orgchart.OrgImage(snapshot.org, *ORG_SIZE)
            self.picture = Picture(snapshot, self.chart.png(snapshot.frame), self.org.png(snapshot.org))
            return self.picture
