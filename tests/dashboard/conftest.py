"""Browser tests of the dashboard: Debian's Chromium through pytest-playwright, Solara's assets offline.

Never `playwright install` (it downloads a browser: fails offline). When
/usr/bin/chromium or the assets are missing the browser tests are skipped,
except in CI (CI=true), where they fail: `make test` installs both.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REPO_ROOT = Path(__file__).resolve().parents[2]
ASSETS = REPO_ROOT / ".assets"
APP = REPO_ROOT / "sim" / "dashboard" / "app.py"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    # The env var SOLARA_ASSETS_PROXY_CACHE_DIR is read at import, too early for a test run.
    import solara.server.settings

    solara.server.settings.assets.proxy_cache_dir = ASSETS
    solara.server.settings.telemetry.mixpanel_enable = False


def missing_for_browser() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (run tools/setup_browser.sh, or: apt-get install -y chromium)"
    if not (ASSETS / "@widgetti" / "solara-vuetify-app@10.1.1" / "package.json").is_file():
        return f"Solara's assets are missing in {ASSETS} (run tools/fetch_assets.sh)"
    return None


def require_browser():
    """Skip when the browser set-up is missing; in CI fail instead, since `make test` provides it."""
    problem = missing_for_browser()
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {problem}")
    pytest.skip(f"browser tests skipped: {problem}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_browser()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_ready():
    require_browser()


@pytest.fixture
def dashboard(browser_ready, solara_server, solara_app, page_session):
    """The dashboard loaded in a fresh session of the shared page; yields (page, console errors)."""
    errors = []

    def on_console(message):
        if message.type == "error":
            errors.append(message.text)

    page_session.on("console", on_console)
    with solara_app(str(APP)):
        page_session.goto(solara_server.base_url)
        page_session.locator(".orgsim-metric-day").wait_for(timeout=60_000)
        yield page_session, errors
    page_session.remove_listener("console", on_console)


@pytest.fixture
def kernel_context():
    """A virtual kernel like the one a browser session gets (tasks and reactives need one)."""
    from solara.server import kernel, kernel_context

    context = kernel_context.VirtualKernelContext(id="unit-test", kernel=kernel.Kernel(), session_id="unit-session")
    previous = kernel_context.get_current_context() if kernel_context.has_current_context() else None
    kernel_context.set_current_context(context)
    try:
        yield context
    finally:
        kernel_context.set_current_context(previous)
        context.close()
