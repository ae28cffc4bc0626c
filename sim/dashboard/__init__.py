"""The Solara dashboard: `orgsim dashboard` serves `app.py` on 127.0.0.1.

- `session.py`: one participant's company (settings, model, stepping, export), no Solara.
- `charts.py`: matplotlib figures of the daily metrics, loss reasons and comparisons.
- `orgchart.py`: the org chart or circles as a network coloured by backlog.
- `components.py`: the Solara panels; `app.py`: the page that puts them together.

Each browser session builds its own `Session` inside the `Page` component,
so one participant's actions never show in another's.
"""
