"""A shared inbox: inquiries wait in one queue that a team of staff serves, oldest first.

E-commerce teams answer web inquiries from one shared inbox (a help-desk or
CRM queue), not from personal piles: whoever is free takes the oldest one.
That makes the team one multi-server queue (M/M/c in the simplest case), and
with customers who leave when kept waiting, an Erlang-A queue (Palm; Garnett,
Mandelbaum & Reiman 2002), which `orgsim validate` checks.

Staff serve their own queue first (decisions they must take, conflicts to
resolve) and take from the inbox when they have nothing else to do. Helpers
(everyone else, when everyone helps customers) get a new inquiry only when no
member of the team is free, and take waiting ones like the team.

Triage: an inquiry whose customer has already left (its outcome is no longer
`open`, or its customer's patience ran out: `deadline_h` has passed) is
dropped on sight when it reaches the front, at no cost, and its owner is told
(`on_left`); so the inbox holds at most the customers still waiting plus those
who left since anyone last looked, and no work is spent on customers who are
gone.
"""

from __future__ import annotations

from collections import deque


class Inbox:
    """One team's shared queue of inquiries and the staff who serve it."""

    def __init__(self, model, task, on_left):
        self.model = model
        self.task = task  # what a staff member does with an inquiry taken from here
        self.on_left = on_left  # called with an item dropped because its customer's patience ran out
        self.waiting: deque = deque()  # inquiries nobody has taken yet, oldest first
        self.idle_team: deque = deque()  # the team's staff with nothing to do, longest idle first
        self.idle_helpers: deque = deque()  # helpers with nothing to do, longest idle first
        self.staff: list = []
        self._helpers: set[int] = set()
        self.dropped = 0  # inquiries dropped on sight because their customer had left

    def serve_with(self, team: list, helpers: list = ()) -> None:
        """These people now answer from this inbox (those who no longer do keep what they hold)."""
        for person in self.staff:
            person.inbox = None
        self.staff = [*team, *helpers]
        self._helpers = {id(person) for person in helpers}
        self.idle_team.clear()
        self.idle_helpers.clear()
        for person in self.staff:
            person.inbox = self
            person.idle_listed = False
            if not person.busy and not person.queue:
                self.wait_for_work(person)
        while self.waiting and (person := self._next_idle()) is not None:
            self.take(person)

    def put(self, item) -> None:
        """A new inquiry (its customer just came): the longest-idle member of the team takes it at once, else
        a helper, or it waits."""
        person = self._next_idle()
        if person is None:
            self.waiting.append(item)
        else:
            self._hand(person, item)

    def _next_idle(self):
        """The longest-idle member of the team who is still free, else the longest-idle helper; or None."""
        for idle in (self.idle_team, self.idle_helpers):
            while idle:
                person = idle.popleft()
                person.idle_listed = False
                if not person.busy and not person.queue and person.inbox is self:
                    return person
        return None

    def take(self, person) -> None:
        """`person` has nothing else to do: take the oldest inquiry whose customer is still there, or wait."""
        waiting = self.waiting
        now = self.model._time  # the clock's storage: read for every inquiry taken (sim.events)
        while waiting:
            item = waiting.popleft()
            if item.outcome == "open":
                if item.deadline_h > now:
                    self._hand(person, item)
                    return
                self.on_left(item)
            self.dropped += 1
        self.wait_for_work(person)

    def wait_for_work(self, person) -> None:
        if not person.idle_listed:
            person.idle_listed = True
            (self.idle_helpers if id(person) in self._helpers else self.idle_team).append(person)

    def _hand(self, person, item) -> None:
        item.staff_id = person.unique_id
        person.submit(self.task, item)
