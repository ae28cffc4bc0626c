"""The Solara dashboard: `orgsim dashboard` serves `app.py` (on 127.0.0.1, or a room's address with --host).

- `session.py`: one participant's company (settings, model, stepping, export), no Solara.
- `comparison.py`: every registered structure run on that company, no Solara.
- Safe for a room, no Solara: `limits.py` (what one session may ask for), `messages.py` (errors in plain
  words), `results_folder.py` (sweeps opened by name under one results root).
- `charts.py`: matplotlib figures of the daily metrics, loss reasons and comparisons.
- `orgchart.py`: the org chart a structure declares, laid out and drawn as a network coloured by backlog.
- `painter.py`: one session's charts drawn to PNG once per day shown, by the thread that stepped the company.
- `play.py`: Play's thread, and the share of the server that every playing session together may take.
- The Solara panels, one module per story: `controls.py` (settings and run controls),
  `simulation_view.py`, `compare_view.py`, `results_view.py`, and `text.py` (markdown and captions).
- Workshop mode: `room.py` (every team on the server, their exports and the facilitator's
  broadcasts, no Solara), `team_view.py` (the team name, following the facilitator, the debrief)
  and `facilitator_view.py` (the tokened page at /facilitator that shows the whole room).
- `app.py`: the page that puts them together, and its routes; `serve.py` starts its server offline.

Each browser session builds its own `Session` inside the `Page` component,
so one participant's actions never show in another's.
"""
