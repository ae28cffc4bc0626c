"""Dashboard speed at 200 employees, measured in Chromium against a served app, and its screenshots.

Measures the first render of the main page (first visit after the server
starts, and later visits), how many working days per second Step and Play
show (driven by Playwright, whose checks before each click are included),
Step-to-paint measured inside the page (`PAINT_JS`: from the click until the
day, and both charts, have changed on the page and a frame is drawn), then writes docs/img/dashboard_main.png and docs/img/dashboard_compare.png.

`--room` measures a workshop instead: Step-to-paint (click on Step until the
page shows the next day) with 20 sessions open, 5 of them playing, and the
facilitator's page open; `--workshop-screenshots` writes
docs/img/workshop_participant.png and docs/img/workshop_facilitator.png.

Needs /usr/bin/chromium (tools/setup_browser.sh) and .assets/ (tools/fetch_assets.sh).
Usage: .venv/bin/python benchmarks/dashboard_bench.py [--no-screenshots | --room | --workshop-screenshots]
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from sim.dashboard import serve
from sim.dashboard.room import TOKEN_ENV

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "docs" / "img"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STEPS = 15
PLAY_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((serve.HOST, 0))
        return probe.getsockname()[1]


# In the page: click Step, and resolve with the milliseconds until the day shown and the charts' images
# have all changed, plus one animation frame (the paint). Playwright's own checks before a click are not in it.
PAINT_JS = """async () => {
  const day = () => document.querySelector('.orgsim-metric-day .orgsim-metric-value').textContent;
  const images = () => Array.from(document.querySelectorAll('.orgsim-page img')).map(i => i.src).join('|');
  const [dayBefore, imagesBefore] = [day(), images()];
  return await new Promise(resolve => {
    const started = performance.now();
    const observer = new MutationObserver(() => {
      if (day() !== dayBefore && images() !== imagesBefore) {
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - started));
      }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
    document.querySelector('.orgsim-step').click();
  });
}"""


def day_of(page) -> int:
    return int(page.locator(".orgsim-metric-day .orgsim-metric-value").inner_text().split()[0])


def open_page(browser, url: str, height: int = 1000):
    """A new session; returns (page, seconds until every panel of the main view is drawn)."""
    page = browser.new_context(viewport={"width": 1400, "height": height}).new_page()
    started = time.perf_counter()
    page.goto(url)
    page.locator(".orgsim-org-hierarchy img").wait_for(timeout=120_000)
    page.locator(".orgsim-metric-day").wait_for()
    return page, time.perf_counter() - started


def main(screenshots: bool = True) -> None:
    missing = serve.missing_assets(serve.assets_dir())
    if missing:
        sys.exit(f"assets missing in {serve.assets_dir()}: run tools/fetch_assets.sh")
    port = free_port()
    url = f"http://{serve.HOST}:{port}"
    process = serve.start(port, quiet=True)
    rows = []
    try:
        if not serve.wait_until_listening(port, process):
            sys.exit("the dashboard server did not start")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page, cold = open_page(browser, url)
            rows.append(("first render, first visit after start (s)", f"{cold:.2f}"))
            page.context.close()
            warm = []
            for _ in range(3):
                page, seconds = open_page(browser, url)
                warm.append(seconds)
                page.context.close()
            rows.append(("first render, later visits (s, median of 3)", f"{statistics.median(warm):.2f}"))

            page, _ = open_page(browser, url)
            step = page.get_by_role("button", name="Step (1 day)")
            started = time.perf_counter()
            for day in range(1, STEPS + 1):
                step.click()
                page.locator(".orgsim-metric-day .orgsim-metric-value", has_text=f"{day} of ").wait_for()
            per_second = STEPS / (time.perf_counter() - started)
            rows.append((f"Step: days shown per second ({STEPS} clicks, each drawn)", f"{per_second:.2f}"))
            painted = []
            for _ in range(STEPS):
                painted.append(page.evaluate(PAINT_JS))
                page.wait_for_timeout(150)
            painted.sort()
            rows.append((f"Step-to-paint in the page, ms (median / 90th percentile of {STEPS})",
                         f"{statistics.median(painted):.0f} / {painted[int(0.9 * len(painted))]:.0f}"))

            first = day_of(page)
            page.get_by_role("button", name="Play", exact=True).click()
            started = time.perf_counter()
            pause = page.get_by_role("button", name="Pause", exact=True)
            pause.wait_for(timeout=60_000)  # Play turns into Pause once the page has taken the click
            # Play until PLAY_SECONDS pass or the run reaches its horizon (then Pause goes away by itself).
            while time.perf_counter() - started < PLAY_SECONDS and pause.count():
                page.wait_for_timeout(100)
            elapsed = time.perf_counter() - started
            if pause.count():
                pause.click()
            page.wait_for_timeout(500)
            rows.append((f"Play: days per second (up to {PLAY_SECONDS:.0f} s)", f"{(day_of(page) - first) / elapsed:.2f}"))
            page.context.close()

            if screenshots:
                take_screenshots(browser, url)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    width = max(len(name) for name, _ in rows)
    print(f"{'dashboard, baseline (200 employees)':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>5}")


def take_screenshots(browser, url: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page, _ = open_page(browser, url, height=1500)
    page.get_by_role("button", name="Days per update when playing").click()
    page.get_by_role("option", name="5", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).click()
    page.locator(".orgsim-metric-day .orgsim-metric-value", has_text="40 of ").wait_for(timeout=300_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(IMAGES / "dashboard_main.png"))
    page.get_by_role("tab", name="Compare structures").click()
    page.get_by_role("button", name="Run comparison").click()
    page.locator(".orgsim-compare img").first.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(IMAGES / "dashboard_compare.png"))
    page.context.close()
    print(f"screenshots written to {IMAGES.relative_to(REPO)}/", file=sys.stderr)


# --------------------------------------------------------------------------- a workshop's room

ROOM_SESSIONS = 20
ROOM_PLAYING = 5
ROOM_ROUNDS = 3  # Step-to-paint samples per idle session
TOKEN = "bench"


def step_to_paint(page) -> float:
    """Seconds from a click on Step until the page shows the next day."""
    day = day_of(page)
    started = time.perf_counter()
    page.locator(".orgsim-step").click()
    page.locator(".orgsim-metric-day .orgsim-metric-value", has_text=re.compile(rf"^{day + 1} of ")).wait_for(
        timeout=120_000)
    return time.perf_counter() - started


def keep_playing(page) -> None:
    """Press Play on a session that stopped (at its horizon: Reset first)."""
    play = page.get_by_role("button", name="Play", exact=True)
    if play.count() and not play.is_enabled():
        page.locator(".orgsim-reset").click()
        play.wait_for()
        page.wait_for_timeout(300)
    if play.count():
        play.click()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def serve_room():
    """A server started as `orgsim dashboard` would, with a known facilitator token; returns (process, url)."""
    if serve.missing_assets(serve.assets_dir()):
        sys.exit(f"assets missing in {serve.assets_dir()}: run tools/fetch_assets.sh")
    port = free_port()
    process = serve.start(port, quiet=True, room={**serve.room_env(), TOKEN_ENV: TOKEN})
    if not serve.wait_until_listening(port, process):
        sys.exit("the dashboard server did not start")
    return process, f"http://{serve.HOST}:{port}"


def join(browser, url: str, team: str, height: int = 1000):
    page, _ = open_page(browser, url, height)
    box = page.get_by_label("Team name")
    box.fill(team)
    box.press("Enter")
    return page


def room_main(sessions: int = ROOM_SESSIONS, playing: int = ROOM_PLAYING) -> None:
    process, url = serve_room()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            alone = join(browser, url, "Team 1")
            single = [step_to_paint(alone) for _ in range(10)]
            pages = [alone] + [join(browser, url, f"Team {i}") for i in range(2, sessions + 1)]
            facilitator = browser.new_context().new_page()
            facilitator.goto(f"{url}/facilitator?token={TOKEN}")
            facilitator.locator(".orgsim-teams").wait_for(timeout=120_000)
            players, idle = pages[:playing], pages[playing:]
            for page in players:
                keep_playing(page)
            last_days = [day_of(page) for page in players]
            started = time.perf_counter()
            room, played = [], 0
            for _ in range(ROOM_ROUNDS):
                for page in idle:
                    room.append(step_to_paint(page))
                    for i, player in enumerate(players):
                        day = day_of(player)
                        played += day - last_days[i] if day >= last_days[i] else day  # a restart counts from 0
                        last_days[i] = day
                        if player.get_by_role("button", name="Play", exact=True).count():
                            keep_playing(player)  # reached its horizon: play again, so five keep playing
            elapsed = time.perf_counter() - started
            browser.close()
    finally:
        serve.stop(process, timeout_s=30)
    print(f"Step-to-paint at 200 employees, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"  1 session:  median {statistics.median(single) * 1000:.0f} ms, "
          f"p90 {percentile(single, 0.9) * 1000:.0f} ms ({len(single)} steps)")
    print(f"  {sessions} sessions, {playing} playing, facilitator's page open: median "
          f"{statistics.median(room) * 1000:.0f} ms, p90 {percentile(room, 0.9) * 1000:.0f} ms, "
          f"max {max(room) * 1000:.0f} ms ({len(room)} steps over {elapsed:.0f} s)")
    print(f"  meanwhile the {playing} playing sessions showed {played / elapsed / max(1, playing):.1f} days/s each "
          "(days shown, restarts included)")


def workshop_screenshots() -> None:
    """A small room (four teams on different structures, a few days in) and the facilitator's view of it."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    process, url = serve_room()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            teams = [("Red", "hierarchy"), ("Blue", "holacracy"), ("Green", "hybrid"), ("Amber", "hierarchy")]
            pages = []
            for name, structure in teams:
                page = join(browser, url, name, height=900)
                page.get_by_role("button", name=structure, exact=True).click()
                page.wait_for_timeout(1500)
                page.get_by_role("button", name="Days per update").first.click()
                page.get_by_role("option", name="5", exact=True).click()
                page.get_by_role("button", name="Play", exact=True).click()
                pages.append(page)
            pages[-1].get_by_label("Employees").fill("400")
            pages[-1].get_by_label("Employees").press("Enter")
            pages[-1].wait_for_timeout(1500)
            pages[-1].get_by_role("button", name="Play", exact=True).click()
            pages[0].locator(".orgsim-metric-day .orgsim-metric-value", has_text=re.compile(r"^([4-9]\d|100) of ")).wait_for(
                timeout=300_000)
            for page in pages:
                pause = page.get_by_role("button", name="Pause", exact=True)
                if pause.count():
                    pause.click()
                    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=30_000)
            pages[0].wait_for_timeout(1500)
            pages[0].screenshot(path=str(IMAGES / "workshop_participant.png"))
            facilitator = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            facilitator.goto(f"{url}/facilitator?token={TOKEN}")
            facilitator.locator(".orgsim-teams").wait_for(timeout=120_000)
            facilitator.locator(".orgsim-facilitator img").wait_for(timeout=60_000)
            facilitator.wait_for_timeout(11_000)  # the chart follows the table within 10 s
            facilitator.screenshot(path=str(IMAGES / "workshop_facilitator.png"), full_page=True)
            browser.close()
    finally:
        serve.stop(process, timeout_s=30)
    print(f"screenshots written to {IMAGES.relative_to(REPO)}/workshop_*.png", file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-screenshots", action="store_true", help="measure only; leave docs/img/ as it is")
    parser.add_argument("--room", action="store_true", help="Step-to-paint with 20 sessions, 5 of them playing")
    parser.add_argument("--sessions", type=int, default=ROOM_SESSIONS, help="with --room: sessions open")
    parser.add_argument("--playing", type=int, default=ROOM_PLAYING, help="with --room: how many of them play")
    parser.add_argument("--workshop-screenshots", action="store_true", help="the participant's and facilitator's pages")
    arguments = parser.parse_args()
    if arguments.room:
        room_main(arguments.sessions, arguments.playing)
    elif arguments.workshop_screenshots:
        workshop_screenshots()
    else:
        main(screenshots=not arguments.no_screenshots)
