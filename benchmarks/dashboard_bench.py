"""Dashboard speed at 200 employees, measured in Chromium against a served app, and its screenshots.

Measures the first render of the main page (first visit after the server
starts, and later visits), how many working days per second Step and Play
show, then writes docs/img/dashboard_main.png and docs/img/dashboard_compare.png.

Needs /usr/bin/chromium (tools/setup_browser.sh) and .assets/ (tools/fetch_assets.sh).
Usage: .venv/bin/python benchmarks/dashboard_bench.py [--no-screenshots]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from sim.dashboard import serve

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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-screenshots", action="store_true", help="measure only; leave docs/img/ as it is")
    main(screenshots=not parser.parse_args().no_screenshots)
