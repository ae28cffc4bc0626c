"""Analytic expectations the model is checked against (tests and `orgsim validate`).

- Jackson networks: a tandem of M/M/1 stations with Poisson input has mean
  sojourn sum(1 / (mu_i - lambda_i)).
- Meetings every T hours: a request arriving at a random time waits T/2.
- Sah & Stiglitz (1986): a hierarchy of n screeners accepts with p**n, a
  polyarchy with 1 - (1 - p)**n; a committee that needs k of n votes
  (Csaszar 2013) with P[X >= k], X ~ Binomial(n, p).
- Little's law: L = lambda * W.
- Erlang-A (M/M/c+M; Palm 1943; Garnett, Mandelbaum & Reiman 2002): c servers,
  Poisson arrivals, exponential service and exponential patience; the share of
  customers who abandon before service begins.
"""

from __future__ import annotations

from collections import Counter


def mm1_sojourn(arrival_rate: float, service_rate: float) -> float:
    """Mean time in an M/M/1 station (waiting plus service)."""
    if arrival_rate >= service_rate:
        return float("inf")
    return 1.0 / (service_rate - arrival_rate)


def hierarchy_manager_loads(requesters, rate_per_requester: float) -> dict[int, float]:
    """lambda_m for every manager m: the request rate from m's subtree (requests climb to the top)."""
    loads: Counter = Counter()
    for requester in requesters:
        boss = requester.manager
        while boss is not None:
            loads[boss.unique_id] += rate_per_requester
            boss = boss.manager
    return dict(loads)


def hierarchy_expected_decision_time(requesters, rate_per_requester: float, service_rate: float) -> float:
    """Mean decision time over all requests: each requester's path summed, requesters weighted equally."""
    loads = hierarchy_manager_loads(requesters, rate_per_requester)
    total = 0.0
    for requester in requesters:
        boss = requester.manager
        while boss is not None:
            total += mm1_sojourn(loads[boss.unique_id], service_rate)
            boss = boss.manager
    return total / len(requesters)


def max_utilization(requesters, rate_per_requester: float, service_rate: float) -> float:
    """The busiest manager's utilization lambda_m / mu: how near a setting is to saturation."""
    loads = hierarchy_manager_loads(requesters, rate_per_requester)
    return max(loads.values()) / service_rate


def meeting_wait(interval_h: float) -> float:
    """Mean wait for the next meeting of a cycle `interval_h` long, for Poisson arrivals."""
    return interval_h / 2.0


def hierarchy_acceptance(p: float, screeners: int) -> float:
    """Sah-Stiglitz: screeners in series all have to accept.

    Sah, R. K., Stiglitz, J. E. (1986), The architecture of economic systems:
    hierarchies and polyarchies, AER 76(4): a project passes a hierarchy of n
    bureaus, each accepting it with p, with p**n.
    """
    return p**screeners


def polyarchy_acceptance(p: float, screeners: int) -> float:
    """Sah-Stiglitz: any one of the screeners accepting is enough.

    Sah & Stiglitz (1986): a project is rejected by a polyarchy only when every
    one of its n bureaus rejects it, so it passes with 1 - (1 - p)**n.
    """
    return 1.0 - (1.0 - p) ** screeners


def committee_acceptance(p: float, screeners: int, votes_needed: int) -> float:
    """A committee of n independent screeners that approves with at least k acceptances: P[X >= k], X ~ Bin(n, p).

    Sah & Stiglitz (1988), Committees, hierarchies and polyarchies, Economic
    Journal 98(391); Csaszar, F. A. (2013), An efficient frontier in
    organization design: organizational structure as a determinant of
    exploration and exploitation, Organization Science 24(4). k = n is the
    hierarchy (p**n), k = 1 the polyarchy (1 - (1 - p)**n).
    """
    from scipy.stats import binom  # imported where used: importing the theory stays cheap

    return float(binom.sf(votes_needed - 1, screeners, p))


def erlang_a(arrival_rate: float, service_rate: float, servers: int, patience_rate: float) -> dict[str, float]:
    """M/M/c+M in steady state, from its birth-death chain: P(wait), P(abandon), mean queue length.

    State n (customers present) is left upward at rate lambda and downward at
    min(n, c) mu + max(n - c, 0) theta, so p_n is proportional to the product of
    lambda over the downward rates. Every customer waiting abandons at rate
    theta, hence P(abandon) = theta E[(N - c)+] / lambda (Garnett et al. 2002, eq. 2.4).
    The sum runs until the terms vanish (theta > 0 makes them fall faster than
    geometrically beyond c).
    """
    if min(arrival_rate, service_rate, patience_rate) <= 0 or servers < 1:
        raise ValueError("rates must be > 0 and servers >= 1")
    term, total, waiting, queued = 1.0, 1.0, 0.0, 0.0
    n = 0
    while True:
        n += 1
        term *= arrival_rate / (min(n, servers) * service_rate + max(n - servers, 0) * patience_rate)
        total += term
        if n >= servers:
            waiting += term
            queued += (n - servers) * term
        if n > servers and term < 1e-16 * total:
            break
        if total > 1e250:  # rescale: only ratios matter
            term, total, waiting, queued = term / 1e250, total / 1e250, waiting / 1e250, queued / 1e250
    mean_queue = queued / total
    return {
        "p_wait": waiting / total,
        "p_abandon": patience_rate * mean_queue / arrival_rate,
        "mean_queue": mean_queue,
    }
