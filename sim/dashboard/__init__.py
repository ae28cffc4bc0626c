"""The Solara dashboard: `orgsim dashboard` serves `app.py` on 127.0.0.1.

- `session.py`: one participant's company (settings, model, stepping, export), no Solara.
- `comparison.py`: every registered structure run on that company, no Solara.
- `charts.py`: matplotlib figures of the daily metrics, loss reasons and comparisons.
- `orgchart.py`: the org chart a structure declares, laid out and drawn as a network coloured by backlog.
- The Solara panels, one module per story: `controls.py` (settings and run controls),
  `simulation_view.py`, `compare_view.py`, `results_view.py`, and `text.py` (markdown and captions).
- `app.py`: the page that puts them together; `serve.py` starts its server offline.

Each browser session builds its own `Session` inside the `Page` component,
so one participant's actions never show in another's.
"""
