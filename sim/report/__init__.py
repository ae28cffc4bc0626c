"""`orgsim report RESULTS_DIR`: figures, tables and report.md from a finished (or partial) sweep.

What it writes under `RESULTS_DIR/report/` (or `--out`):

- `figures/<metric>_vs_employees.{png,svg}`: each headline metric against
  company size, one line per structure, mean over replications with a 95%
  t-interval; `figures/overview_vs_employees.{png,svg}` shows them all.
- `figures/loss_reasons.{png,svg}`: how inquiries end (converted or lost, and
  why), stacked shares by structure and size.
- `scaling_exponents.csv` and `figures/scaling_exponents.{png,svg}`: the
  log-log OLS slope beta of each metric (and revenue per employee) against
  employees, per structure, with 95% intervals (metric ~ employees^beta;
  Bettencourt et al. 2007 find beta ~ 1.15 for the output of cities).
- `main_effects.csv` and figures, for designs over other keys (e.g. policies).
- `sensitivity.csv` and a heat map: Morris (mu*, sigma) or Sobol' (S1, ST)
  indices through SALib, when the design is a sensitivity design.
- `metrics_by_size.csv`, `metrics_by_point.csv`, `loss_reasons.csv`.
- `report.md` tying them together.

Metrics that are NaN in every run (e.g. no conflict was ever resolved) are
skipped with a note.

Where each part lives: `results` reads the sweep folder, `statistics` holds the
intervals and the scaling fit, `tables` the CSV tables, `sensitivity` the SALib
indices, `figures` the charts, `markdown` the formatting of report.md, `sections`
its sections, and `document` puts them in order (`write_report`).
"""

from sim.report.document import write_report
from sim.report.results import ReportError
from sim.report.statistics import loglog_fit, t_interval

__all__ = ["ReportError", "loglog_fit", "t_interval", "write_report"]
