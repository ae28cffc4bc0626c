"""The room: every team's company on this server, for the facilitator's page and the debrief.

A workshop runs one dashboard server; each participant's browser session has
its own `Session` (session.py). The page registers it here with a team name,
so the facilitator's page can list every team side by side, export them all,
and push a scenario, a reset or the debrief to everyone (HubNet's model of a
room). Nothing here imports Solara, so it is tested without a browser.

The room holds weak references: a session whose page closed and was
collected drops out even if its page never said goodbye.
"""

from __future__ import annotations

import io
import itertools
import re
import secrets
import threading
import weakref
from dataclasses import dataclass, field, fields

import pandas as pd

from sim import metrics
from sim.dashboard.session import SUMMARY_COLUMNS, Session, Settings, summary_row, timeseries_frame

TOKEN_ENV = "ORGSIM_FACILITATOR_TOKEN"  # `orgsim dashboard` sets it; the facilitator's link carries it
MAX_NAME = 40
SETTING_COLUMNS = tuple(f.name for f in fields(Settings))
TEAM_COLUMNS = ("team", "day", *SETTING_COLUMNS, "horizon_days", "warmup_days", *metrics.HEADLINE_METRICS)
# A team's own summary download: the run's contract columns first, then who chose what.
TEAM_SUMMARY_COLUMNS = (*SUMMARY_COLUMNS, "team", *(name for name in SETTING_COLUMNS if name not in SUMMARY_COLUMNS))


def clean_name(text: str) -> str:
    """A team name as typed, on one line and at most MAX_NAME characters (shown as plain text only)."""
    return " ".join(str(text or "").split())[:MAX_NAME]


def file_slug(name: str) -> str:
    """A team name as a safe piece of a file name: letters, digits, '-' and '_' only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", clean_name(name)).strip("-_").lower() or "team"


def _numbered(name: str):
    """`name`, then `name 2`, `name 3`, ...: the first one free becomes the team's name."""
    yield name
    for number in itertools.count(2):
        yield f"{name[: MAX_NAME - len(str(number)) - 1]} {number}"


def token_matches(given: str | None, expected: str | None) -> bool:
    """True only when a facilitator token was set at start and `given` is exactly it."""
    if not expected or not given:
        return False
    return secrets.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True)
class Broadcast:
    """What the facilitator sent every team: a scenario to start (`kind="scenario"`) or a reset."""

    serial: int
    kind: str
    scenario: str = ""
    keep_structure: bool = True

    def settings_for(self, current: Settings) -> Settings:
        """The settings a team moves to: the pushed scenario, on the team's own structure if asked."""
        pushed = Settings.for_scenario(self.scenario)
        return pushed.with_(structure=current.structure) if self.keep_structure else pushed


@dataclass(frozen=True, eq=False)  # compared by identity: it holds a DataFrame
class TeamState:
    """One team at one instant: its name, settings, day, headline metrics and days so far."""

    team_id: int
    name: str
    settings: Settings
    day: float
    horizon_days: int
    summary: dict
    frame: pd.DataFrame  # the DAILY_REPORTERS columns, one row per day

    def row(self) -> dict:
        """The team as one row of TEAM_COLUMNS (what the all-teams CSV and Parquet hold)."""
        return {"team": self.name, "day": self.day, **self.settings.as_dict(),
                **{key: self.summary.get(key) for key in ("horizon_days", "warmup_days")},
                **{key: self.summary.get(key) for key in metrics.HEADLINE_METRICS}}


@dataclass
class _Entry:
    ref: weakref.ref
    name: str
    seen: int = 0  # the last broadcast this team applied
    cached: TeamState | None = None  # the state at the session's `version` it was read at
    cached_version: int = -1


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one debrief is one reveal
class Debrief:
    """The teams' results as they stood when the facilitator revealed the debrief."""

    serial: int
    teams: tuple[TeamState, ...] = field(default_factory=tuple)


class Room:
    """The registry of the server's teams; every method is safe to call from any session's thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[int, _Entry] = {}
        self._ids = itertools.count(1)
        self._changes = 0  # bumps on join, leave, rename, broadcast and reveal
        self.broadcast: Broadcast | None = None
        self.debrief: Debrief | None = None  # None: not revealed

    # ------------------------------------------------------------------ membership

    def join(self, session: Session, name: str = "") -> int:
        """Register a session; returns its team id. A team without a name is shown as 'Team <id>'."""
        with self._lock:
            team_id = next(self._ids)
            self._entries[team_id] = _Entry(weakref.ref(session), clean_name(name))
            self._changes += 1
        return team_id

    def leave(self, team_id: int) -> None:
        with self._lock:
            if self._entries.pop(team_id, None) is not None:
                self._changes += 1

    def rename(self, team_id: int, name: str) -> str:
        """Set a team's name; returns the name as stored ('Red 2' when another team is already 'Red')."""
        with self._lock:
            entry = self._entries.get(team_id)
            if entry is None:
                return clean_name(name)
            taken = {other.name for key, other in self._entries.items() if key != team_id}
            wanted = clean_name(name)
            entry.name = next(candidate for candidate in _numbered(wanted) if not wanted or candidate not in taken)
            entry.cached_version = -1
            self._changes += 1
            return entry.name

    def name_of(self, session: Session) -> str:
        """The name of the team `session` belongs to ('' when it is not in the room)."""
        with self._lock:
            for team_id, entry in self._entries.items():
                if entry.ref() is session:
                    return entry.name or f"Team {team_id}"
        return ""

    def _live(self) -> list[tuple[int, _Entry, Session]]:
        """The registered teams whose session still exists (under the lock); drops the rest."""
        live = []
        for team_id, entry in list(self._entries.items()):
            session = entry.ref()
            if session is None:
                del self._entries[team_id]
                self._changes += 1
            else:
                live.append((team_id, entry, session))
        return live

    def version(self) -> int:
        """Changes whenever anything a facilitator would see changes (a team stepped, joined, ...)."""
        with self._lock:
            return self._changes + sum(session.version for _, _, session in self._live())

    # ------------------------------------------------------------------ what the teams show

    def teams(self) -> list[TeamState]:
        """Every live team, in the order they joined; each read under its session's lock."""
        with self._lock:
            live = self._live()
        states = []
        for team_id, entry, session in live:
            if entry.cached is None or entry.cached_version != session.version:
                entry.cached = read_team(team_id, entry.name, session)
                entry.cached_version = session.version
            states.append(entry.cached)
        return states

    # ------------------------------------------------------------------ the facilitator's actions

    def push_scenario(self, scenario: str, keep_structure: bool = True) -> Broadcast:
        """Ask every team to start `scenario` (on its own structure when `keep_structure`)."""
        Settings.for_scenario(scenario)  # ScenarioError now, not in every team's page
        return self._send("scenario", scenario, keep_structure)

    def reset_all(self) -> Broadcast:
        """Ask every team to start its company again from day 0 with its current settings."""
        return self._send("reset")

    def _send(self, kind: str, scenario: str = "", keep_structure: bool = True) -> Broadcast:
        with self._lock:
            serial = (self.broadcast.serial if self.broadcast else 0) + 1
            self.broadcast = Broadcast(serial, kind, scenario, keep_structure)
            self._changes += 1
            return self.broadcast

    def pending(self, team_id: int) -> Broadcast | None:
        """The broadcast this team has not applied yet (marked applied now), or None.

        A team that joins after a push gets the latest one: it starts where the room is.
        """
        with self._lock:
            entry = self._entries.get(team_id)
            if entry is None or self.broadcast is None or entry.seen >= self.broadcast.serial:
                return None
            entry.seen = self.broadcast.serial
            return self.broadcast

    def reveal(self) -> Debrief:
        """Freeze the teams' results as they are now and show them to every team."""
        teams = tuple(self.teams())
        with self._lock:
            serial = (self.debrief.serial if self.debrief else 0) + 1
            self.debrief = Debrief(serial, teams)
            self._changes += 1
            return self.debrief

    def hide(self) -> None:
        with self._lock:
            self.debrief = None
            self._changes += 1


def read_team(team_id: int, name: str, session: Session) -> TeamState:
    with session.lock:
        return TeamState(team_id, name or f"Team {team_id}", session.settings, session.day,
                         session.horizon_days, summary_row(session.model), timeseries_frame(session.model))


# ---------------------------------------------------------------------- exports


def teams_frame(teams: list[TeamState]) -> pd.DataFrame:
    """One row per team: its name, day, settings and headline metrics (TEAM_COLUMNS)."""
    return pd.DataFrame([team.row() for team in teams], columns=list(TEAM_COLUMNS))


def timeseries_long(teams: list[TeamState]) -> pd.DataFrame:
    """Every team's days so far, stacked: a `team` column, then the DAILY_REPORTERS columns."""
    frames = [team.frame.assign(team=team.name) for team in teams]
    columns = ["team", *metrics.DAILY_REPORTERS]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def teams_csv(teams: list[TeamState]) -> str:
    return teams_frame(teams).to_csv(index=False, lineterminator="\n")


def teams_parquet(teams: list[TeamState]) -> bytes:
    buffer = io.BytesIO()
    teams_frame(teams).to_parquet(buffer, index=False)
    return buffer.getvalue()


def team_summary_csv(session: Session, name: str) -> str:
    """One team's own summary: the run's summary columns (as `orgsim run` writes them), then the team and
    the settings it chose (its policies), so files from several teams can be put side by side."""
    team = read_team(0, name, session)
    row = {**{key: team.summary[key] for key in SUMMARY_COLUMNS}, "team": team.name, **team.settings.as_dict()}
    return pd.DataFrame([row], columns=list(TEAM_SUMMARY_COLUMNS)).to_csv(index=False, lineterminator="\n")


def team_file_stem(name: str, settings: Settings, day: float) -> str:
    """The start of a team's download file names, e.g. `orgsim_red-team_yy_company_hierarchy_day40`."""
    scenario = re.sub(r"[^A-Za-z0-9_-]+", "_", settings.scenario)
    return f"orgsim_{file_slug(name)}_{scenario}_{settings.structure}_day{int(day)}"


ROOM = Room()  # the server's one room: every browser session on this server joins it
