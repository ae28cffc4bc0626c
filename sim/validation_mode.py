"""The validation mode's sources of work: the model reduced to queueing systems with known answers.

A scenario selects one with a `[validation]` table (`kind`); nothing adapts
and nobody leaves the company.

- `queueing` (`QueueingNetwork`): instead of customers, every employee with
  no reports emits decision requests as a Poisson stream; every request needs
  the top authority and is not screened; every decider is one FIFO server
  with exponential service at one rate. A hierarchy then is a Jackson network
  and a holacracy's requests wait for meetings.
- `abandonment` (`AbandonmentQueue`): the shared inbox with impatient
  customers, an Erlang-A queue.
"""

from __future__ import annotations

from heapq import heappush
from math import inf, log

from sim.decisions import DecisionProcess
from sim.inbox import Inbox
from sim.records import VALIDATION, Decision


class ValidationRequest(Decision):
    """A request of the queueing network: a decision that is not screened, needs the top (an amount
    beyond every limit) and serves no customer. What every request has in common is held by the class,
    so a request is made with only what changes as it moves; writing one of the fixed fields is an error."""

    __slots__ = ()
    kind = VALIDATION
    good = True
    inquiry = None
    then_price = True
    screened = False
    amount = inf
    dropped = False
    with_committee = False
    committee_chair = None
    approvals = 0

    def __init__(self, id, requester, created_h):
        self.id = id
        self.requester = requester
        self.created_h = created_h
        self.path = ()
        self.hop_index = 0
        self.hop_entered_h = created_h
        self.decided_h = None
        self.outcome = "open"
        self.via_meeting = False


class QueueingDecisions(DecisionProcess):
    """The decision lifecycle of a pure queueing network: a request needs the top, so no unit's
    cooperation is asked for (no refusal gate); it is not screened, and no customer can drop it. The
    end of a hop is then only a move to the next queue: `DecisionProcess.done` without the tests that
    cannot apply (the same outcome, event for event; this is the loop `make bench` times)."""

    def done(self, decider, decision, hours: float) -> None:
        model = self.model
        model.coordination_hours += hours
        index = decision.hop_index + 1
        path = decision.path
        if index == len(path):
            self.finish(decision, "approved")
            return
        decision.hop_index = index
        hop = path[index]
        if hop.queue_of is None:  # a circle's meeting, a remote decider
            self.enter(decision, hop)
        else:
            decision.hop_entered_h = model._time
            hop.queue_of.submit(self, decision)


class QueueingNetwork:
    """Poisson decision requests from every employee without reports."""

    decision_process = QueueingDecisions
    staff_turn_over = False
    organization_adapts = False
    handoff_delays = False

    def __init__(self, model):
        self.model = model
        self.decision_rate = model.params.validation.manager_service_rate_per_hour
        self.requesters: list = []
        self.paths: list[tuple] = []  # each requester's hops (the same place in the list)
        self.rate = 0.0  # requests per hour from all requesters together
        self.requester_bits = 0  # bits of one draw of a requester's index

    def measured(self, since_h: float) -> dict:
        return {}

    def start(self) -> None:
        """Find the requesters and each one's path to the top, then draw the first request. A path is found
        once: nothing adapts, nobody leaves and the structure stays (a validation scenario has no
        reorganization), so every request from one requester takes the same hops."""
        model = self.model
        self.requesters = [e for e in model.employees if not e.reports and e.unit != "management"]
        self.paths = [tuple(model.structure.decision_path(ValidationRequest(-1, r, 0.0))) for r in self.requesters]
        self.rate = model.params.validation.request_rate_per_hour * len(self.requesters)
        self.requester_bits = len(self.requesters).bit_length()
        model.schedule_at(model.market_random.expovariate(self.rate), self.request)

    def request(self, _=None) -> None:
        """One request from a requester drawn at random, for the top, handed to its first decider; the next
        arrival is drawn now. This runs once per request, so draws and the hand-over are written out."""
        model = self.model
        draw = model.market_random
        requesters = self.requesters
        # below(draw, len(requesters)), the same draw
        bits = draw.getrandbits(self.requester_bits)
        while bits >= len(requesters):
            bits = draw.getrandbits(self.requester_bits)
        decision = ValidationRequest(len(model.decisions), requesters[bits], model._time)
        model.decisions.append(decision)
        hop = (path := self.paths[bits])[0]
        decision.path = path
        process = model.decision_process
        if hop.queue_of is None:  # a circle's meeting, a remote decider
            process.enter(decision, hop)
        else:
            hop.queue_of.submit(process, decision)
        # model.schedule_at(model._time + Random.expovariate(self.rate), self.request) written out: the same event
        gap = -log(1.0 - draw.random()) / self.rate
        heappush(model._events, (model._time + gap, next(model._event_order), self.request, None))


class Request:
    """One customer of the Erlang-A queue: when it came, whether it was served or left first."""

    __slots__ = ("arrived_h", "deadline_h", "started_h", "outcome", "staff_id")

    def __init__(self, arrived_h: float, deadline_h: float):
        self.arrived_h = arrived_h
        self.deadline_h = deadline_h  # when its patience runs out, if it is still waiting then
        self.started_h: float | None = None
        self.outcome = "open"  # open | served | abandoned
        self.staff_id: int | None = None


class Serve:
    """The task of serving one request: exponential at the scenario's rate; its customer now stays."""

    exponential = False

    @staticmethod
    def hours(server, request: Request) -> float:
        request.started_h = server.model.time
        return server.model.service_random.expovariate(server.model.params.validation.manager_service_rate_per_hour)

    @staticmethod
    def done(server, request: Request, hours: float) -> None:
        request.outcome = "served"


class AbandonmentQueue:
    """Erlang-A (M/M/c+M): `servers` staff serve one Poisson stream from a shared inbox, oldest first;
    a customer still waiting after an exponential patience has left, and is dropped when reached (triage).

    This is the market's inbox and triage with exponential service and patience, so that
    `orgsim validate` can check the share who abandon against Erlang-A (`theory.erlang_a`).
    """

    decision_process = DecisionProcess
    staff_turn_over = False
    organization_adapts = False
    handoff_delays = False
    decision_rate = None

    def __init__(self, model):
        self.model = model
        self.requests: list[Request] = []
        self.inbox = Inbox(model, Serve(), self.abandoned)

    def start(self) -> None:
        model = self.model
        servers = [e for e in model.employees if e.unit != "management"][: model.params.validation.servers]
        self.inbox.serve_with(servers)
        self._schedule_next()

    def _schedule_next(self) -> None:
        model = self.model
        model.schedule_at(model.time + model.market_random.expovariate(model.params.validation.request_rate_per_hour),
                          self.arrive)

    def arrive(self, _=None) -> None:
        model = self.model
        patience = model.market_random.expovariate(1.0 / model.params.validation.patience_mean_h)
        request = Request(model.time, model.time + patience)
        self.requests.append(request)
        self._schedule_next()
        self.inbox.put(request)

    @staticmethod
    def abandoned(request: Request) -> None:
        request.outcome = "abandoned"

    def measured(self, since_h: float) -> dict:
        """The requests that arrived after the warm-up, and how many left before service began (by now)."""
        now = self.model.time
        window = [r for r in self.requests if r.arrived_h >= since_h]
        left = sum(r.outcome == "abandoned" or (r.outcome == "open" and r.started_h is None and r.deadline_h <= now)
                   for r in window)
        return {"inquiries": len(window), "abandoned": left}


VALIDATION_SOURCES = {"queueing": QueueingNetwork, "abandonment": AbandonmentQueue}
