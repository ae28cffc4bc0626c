"""The report's statistics: the mean over replications with its 95% t-interval, and scaling exponents."""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import stats

# Bettencourt et al. (PNAS 2007) find the socio-economic output of cities scales with population^1.15;
# the scaling figure and report.md show it beside the firms' exponents.
BETTENCOURT_BETA = 1.15


@functools.cache
def t_critical(df: int) -> float:
    """The two-sided 95% critical value of Student's t with `df` degrees of freedom."""
    return float(stats.t.ppf(0.975, df))


def t_interval(values) -> tuple[float, float, float, int]:
    """Mean and 95% t-interval (over replications) of the finite values; NaN bounds when n < 2."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan, n
    half = t_critical(n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half, n


def loglog_fit(x, y) -> dict:
    """The scaling exponent beta of y ~ x^beta: OLS slope of log(y) on log(x) with a 95% t-interval.

    Returns beta, ci_low, ci_high, intercept and r2 of the fit, the points used (n), the points
    dropped for having no logarithm (zero, negative or not finite) and the distinct x (sizes).
    The fit stays NaN with fewer than three points or a single x.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    dropped = int(len(x) - keep.sum())
    lx, ly = np.log(x[keep]), np.log(y[keep])
    n = len(lx)
    sizes = len(np.unique(lx))
    result = {"beta": math.nan, "ci_low": math.nan, "ci_high": math.nan, "intercept": math.nan, "r2": math.nan,
              "n": n, "dropped": dropped, "sizes": sizes}
    if n < 3 or sizes < 2:
        return result
    fit = stats.linregress(lx, ly)
    # A constant y is fitted exactly (beta 0) but has no correlation, which SciPy reports as 0 or NaN
    # depending on its version: fix the interval to the point and leave R² undefined.
    constant = np.ptp(ly) == 0
    half = t_critical(n - 2) * (0.0 if constant else float(fit.stderr))
    beta = float(fit.slope)
    result.update(beta=beta, ci_low=beta - half, ci_high=beta + half, intercept=float(fit.intercept),
                  r2=math.nan if constant else float(fit.rvalue) ** 2)
    return result
