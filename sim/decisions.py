"""The decision lifecycle: where a manager decides.

A decision (a discount, a customization, a validation request) follows a path
of hops. The structure says *who* decides at each hop
(`Structure.decision_path`); everything else happens here, the same in every
structure:

1. `request` creates the decision and hands it to its first hop.
2. A hop is a person's queue (a role holder or a manager) or a circle's next
   meeting. A remote decider gets it after an asynchronous hand-off.
3. `done`: the decider has looked at it. A unit whose cooperation the hop asks
   for may refuse it (incentives and open conflicts pull apart), the decider
   judges it (Sah & Stiglitz 1986), and the aggregation rule
   (`decisions.aggregation`) says what the judgement does. Under the
   hierarchy (the default) a rejection ends it and an accepted decision moves
   on to the next hop; after the last hop it is approved. Under a polyarchy an
   acceptance approves it at once and a rejection passes it on; under a
   committee every hop votes and a quorum of the votes approves it (Csaszar
   2013).
4. `finish` records the outcome and tells the inquiry it serves (the market).

`DecisionProcess` is also the task a decider's queue holds (`hours`, `done`),
so a decision's hop costs no dispatch on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil, exp, inf
from typing import TYPE_CHECKING

from sim.conflicts import open_conflict
from sim.records import CUSTOMIZATION, VALIDATION, Decision

if TYPE_CHECKING:
    from sim.agents import Employee


def votes_needed(quorum: float, judges: int) -> int:
    """Committee: how many of `judges` must accept, ceil(quorum x judges).

    A hair below the product before rounding up: 0.28 x 25 is 7.000000000000001
    in floating point, and a quorum of 28% of 25 judges is 7 votes, not 8.
    """
    return max(1, ceil(quorum * judges - 1e-9))


def graicunas_relationships(reports: int) -> int:
    """Graicunas (1937): direct, group and cross relationships a manager of n reports oversees."""
    n = reports
    return n * (2 ** (n - 1) + n - 1) if n > 0 else 0


@dataclass(slots=True)
class Hop:
    """One step of a decision's path.

    `decider` is an Employee (a queue) or, for a tension, a circle that decides
    at its next tactical meeting. `gate_unit` names the unit whose cooperation
    this hop asks for (a cross-unit request), where incentives may refuse it.
    `queue_of` is the employee whose queue the decision joins at once when
    hand-offs take no time (the validation mode), or None when entering the hop
    takes more (a meeting, a remote hand-off, deputies to choose from).
    """

    decider: object
    gate_unit: str | None = None
    meeting: bool = False
    gate_teams: int = 1  # teams of `gate_unit` whose part is asked for here: each may refuse (an interface)
    queue_of: object = field(init=False)

    def __post_init__(self):
        plain = not (self.meeting or self.decider.remote or self.decider.deputies)
        self.queue_of = self.decider if plain else None

    @property
    def decider_id(self) -> int:
        """Who decides at this hop: the person, or a circle's lead link for its meeting."""
        return self.decider.lead_link.unique_id if self.meeting else self.decider.unique_id


class DecisionProcess:
    """Moves every decision of one model along its path, hop by hop, to its outcome."""

    def __init__(self, model):
        self.model = model
        decisions = model.params.decisions
        # How long a request handed to someone else waits until they look at it (their other work comes
        # first); none in the validation mode, which is a pure queueing network.
        self.pickup_h = decisions.pickup_hours if model.source.handoff_delays else 0.0
        # How the judges on a path combine: None for the hierarchy, whose hops `done` judges itself (one
        # draw, one test), so that the default costs one attribute check a hop and draws as it always has;
        # otherwise the rule's method, which may end the decision at any hop.
        self.pooled = {"hierarchy": None, "polyarchy": self._polyarchy, "committee": self._committee}[decisions.aggregation]
        self.quorum = decisions.quorum

    def rate(self, employee: Employee, reports: int) -> float:
        """Decisions per hour this person can take; managers lose time to supervision (Graicunas)."""
        fixed = self.model.source.decision_rate  # the validation mode makes every decider one exponential server
        if fixed is not None:
            return fixed
        decisions = self.model.params.decisions
        if reports == 0:
            return decisions.role_decisions_per_hour
        supervision_share = min(0.9, decisions.graicunas_hours_coefficient * graicunas_relationships(reports))
        return decisions.manager_decisions_per_hour * (1.0 - supervision_share)

    # ------------------------------------------------------------------ the path

    def request(self, kind: str, requester, good: bool, inquiry=None, then_price: bool = True, amount: float = inf) -> Decision:
        """A new decision for `amount` (a discount, a cost; validation requests need the top): the structure
        gives its path, and its first hop receives it."""
        model = self.model
        # Positional arguments: a keyword call costs more than building the record.
        decision = Decision(
            len(model.decisions), kind, requester, model._time, good, inquiry, then_price, kind != VALIDATION, amount
        )
        model.decisions.append(decision)
        if inquiry is not None:
            inquiry.pending = decision
        path = decision.path = model.structure.decision_path(decision)  # hop_index starts at 0
        hop = path[0]
        if hop.decider is requester:
            requester.submit(self, decision)  # the requester decides alone: nothing to hand over
        elif hop.queue_of is None or self.pickup_h:
            self.enter(decision, hop)
        else:
            hop.queue_of.submit(self, decision)  # the plain case of enter, written out
        return decision

    def enter(self, decision: Decision, hop: Hop) -> None:
        """Hand the decision to a hop's decider (see `done` for the plain case, written out)."""
        model = self.model
        decision.hop_entered_h = model._time
        decider = hop.decider
        if hop.meeting:
            decider.add_tension(decision)
            return
        if decider.deputies:  # an office of several people
            decider = decider.office_member()
        if decider.remote:
            # A remote decider gets the request after an asynchronous hand-off.
            delay = model.service_random.expovariate(1.0 / model.params.policies.remote_handoff_hours)
        elif self.pickup_h:
            delay = model.service_random.expovariate(1.0 / self.pickup_h)
        else:
            decider.submit(self, decision)
            return
        model.schedule_at(model._time + delay, self._hand_over, (decision, decider))

    def _hand_over(self, handed) -> None:
        decision, decider = handed
        decider.submit(self, decision)

    # ------------------------------------------------------------------ a decider's task

    exponential = True  # a decider looks at a decision for an exponential time at its decision_rate (Worker.submit)

    def done(self, decider, decision: Decision, hours: float) -> None:
        """The current hop has looked at the decision: refuse it, screen it, or pass it on.

        Called when a manager or role holder reaches the decision in its queue
        (after `hours` of work), or when a circle's meeting takes it up (no
        hours of its own): this is where a manager decides. Every hop of every
        decision comes here, so the plain case of `enter` is written out.
        """
        model = self.model
        model.coordination_hours += hours
        if decision.dropped:  # its customer has left: dropped unseen
            self.finish(decision, "abandoned")
            return
        path = decision.path
        index = decision.hop_index
        hop = path[index]
        gate_unit = hop.gate_unit
        if gate_unit is not None and any(self.refuses(decision, gate_unit) for _ in range(hop.gate_teams)):
            self.refused(decision)
            return
        if decision.screened:
            if self.pooled is None:  # hierarchy: every judge must accept, so one rejection ends it
                if not self.screen(decision):
                    self.finish(decision, "rejected")
                    return
            elif self.pooled(decision, index + 1 == len(path)):  # polyarchy or committee: the rule ended it
                return
        index += 1
        if index == len(path):
            self.finish(decision, "approved")
            return
        decision.hop_index = index
        hop = path[index]
        decider = hop.queue_of
        if decider is None or self.pickup_h:
            self.enter(decision, hop)
        else:
            decision.hop_entered_h = model._time
            decider.submit(self, decision)

    # ------------------------------------------------------------------ judging

    def screen(self, decision: Decision) -> bool:
        """Sah-Stiglitz screening: accept a good request with p, a bad one with q."""
        if not decision.screened:
            return True
        decisions = self.model.params.decisions
        accept = decisions.screen_accept_good if decision.good else decisions.screen_accept_bad
        return self.model.screening_random.random() < accept

    def _polyarchy(self, decision: Decision, last: bool) -> bool:
        """Polyarchy (Sah & Stiglitz 1986): any judge may approve. An acceptance approves the decision at once
        (the rest of the path never sees it); a rejection passes it on, and only the last judge's rejects it.
        True when the decision ended here."""
        if self.screen(decision):
            self.finish(decision, "approved")
            return True
        if last:
            self.finish(decision, "rejected")
            return True
        return False

    def _committee(self, decision: Decision, last: bool) -> bool:
        """Committee (Csaszar 2013): every judge on the path votes, so the decision visits every hop; after
        the last vote it is approved when at least ceil(quorum x n) of the n judges accepted.
        True when the decision ended here."""
        if self.screen(decision):
            decision.approvals += 1
        if not last:
            return False
        needed = votes_needed(self.quorum, len(decision.path))
        self.finish(decision, "approved" if decision.approvals >= needed else "rejected")
        return True

    def refuses(self, decision: Decision, gate_unit: str) -> bool:
        """Does a team of `gate_unit` refuse to take on a cross-unit request? Its reward and its load decide.

        Taking it on costs capacity the unit's own work needs, and the busier the unit (its load, days of
        own work waiting) the dearer that capacity. A unit rewarded on its own measure (`sales_only`) gains
        nothing from the request; one rewarded on the company's result (`integrated`) gains the order's
        worth to the company. It accepts with the Luce share of what it gains, its tolerance included,
        against that cost, less for each conflict open with the requester's unit (docs/ODD.md §7.8):
        (T + I x D x V / V_mean) / (T + I x D x V / V_mean + s x load) x exp(-k x open conflicts).
        """
        model = self.model
        settings = model.params.conflict
        market = model.params.market
        unit = model.units[gate_unit]
        inquiry = decision.inquiry
        # The request's size against an average one: a customization's cost share against the mean.
        size = decision.amount / market.customization_cost_mean if decision.kind == CUSTOMIZATION else 1.0
        gain = settings.tolerance_days
        if unit.incentives == "integrated":
            worth = inquiry.order_value / market.order_value_mean if inquiry is not None else 1.0
            gain += settings.integrated_worth_days * worth
        operations = model.operations
        cost = size * operations.load(gate_unit)
        open_between = unit.open_conflicts.get(decision.requester.unit, 0)
        willingness = gain / (gain + cost) * exp(-settings.cooperation_loss_per_open_conflict * open_between)
        if model.cooperation_random.random() < willingness:
            operations.take_on(gate_unit, size)
            return False
        open_conflict(model, "interunit", decision.requester.unit, gate_unit, (decision.requester, unit.head))
        return True

    def refused(self, decision: Decision) -> None:
        """A unit refused a cross-unit request: the committee takes it up, or it ends refused."""
        committee = self.model.committee
        if committee is not None:
            committee.add_request(decision)
        else:
            self.finish(decision, "refused")

    def finish(self, decision: Decision, outcome: str) -> None:
        """Record the outcome; the inquiry the decision serves goes on (the market), unless its customer left."""
        model = self.model
        now = model._time
        decision.decided_h = now
        decision.outcome = outcome
        model.decisions_today.append(now - decision.created_h)
        inquiry = decision.inquiry
        if inquiry is not None:
            inquiry.pending = None
            if inquiry.outcome == "open":  # its customer is still there
                model.market.decided(decision)
