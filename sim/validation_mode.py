"""The validation mode's source of work: the model reduced to a pure queueing network.

Instead of customers (`Market`), every employee with no reports emits
decision requests as a Poisson stream; every request needs the top authority
and is not screened; every decider is one FIFO server with exponential
service at one rate; staff never leave. A hierarchy then is a Jackson network
and a holacracy's requests wait for meetings, which `orgsim validate` checks
against theory. A scenario selects it with a `[validation]` table.
"""

from __future__ import annotations

from math import log

from sim.randomness import below
from sim.records import VALIDATION


class QueueingNetwork:
    """Poisson decision requests from every employee without reports."""

    staff_turn_over = False

    def __init__(self, model):
        self.model = model
        self.decision_rate = model.params.validation.manager_service_rate_per_hour
        self.requesters: list = []
        self.rate = 0.0  # requests per hour from all requesters together

    def start(self) -> None:
        model = self.model
        self.requesters = [e for e in model.employees if not e.reports and e.unit != "management"]
        self.rate = model.params.validation.request_rate_per_hour * len(self.requesters)
        model.schedule_at(model.market_random.expovariate(self.rate), self.request)

    def request(self, _=None) -> None:
        """One request from a requester drawn at random; the next arrival is drawn now."""
        model = self.model
        draw = model.market_random
        requester = self.requesters[below(draw, len(self.requesters))]
        model.decision_process.request(VALIDATION, requester, True)
        # Random.expovariate(self.rate) written out (the same number): this runs once per request.
        model.schedule_at(model._time - log(1.0 - draw.random()) / self.rate, self.request)
