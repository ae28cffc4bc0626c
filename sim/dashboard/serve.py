"""Start the dashboard's web server: `solara run app.py` on 127.0.0.1, offline.

Solara asks a CDN for its browser assets; `tools/fetch_assets.sh` puts them
in `.assets/` (from npm) and `SOLARA_ASSETS_PROXY_CACHE_DIR` points Solara
there, so the page works with no internet. Telemetry is off.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[2]
APP = Path(__file__).resolve().parent / "app.py"
# The folders Solara requests; tools/fetch_assets.sh fills them.
REQUIRED_ASSETS = ("@widgetti/solara-vuetify-app@10.1.1", "requirejs@2.3.6", "font-awesome@4.5.0")


def assets_dir() -> Path:
    """Where Solara's browser assets are: $ORGSIM_ASSETS_DIR, else `.assets/` in the repository."""
    return Path(os.environ.get("ORGSIM_ASSETS_DIR") or REPO_ROOT / ".assets").resolve()


def missing_assets(folder: Path) -> list[str]:
    return [name for name in REQUIRED_ASSETS if not (folder / name / "package.json").is_file()]


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def server_env(folder: Path) -> dict:
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(folder)
    return env


def server_command(port: int, host: str = HOST) -> list[str]:
    return [
        sys.executable, "-m", "solara", "run", str(APP),
        "--host", host, "--port", str(port), "--no-open", "--production",
    ]


def wait_until_listening(port: int, process: subprocess.Popen, timeout_s: float = 90.0, host: str = HOST) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.2)
    return False


def start(port: int, host: str = HOST, quiet: bool = False) -> subprocess.Popen:
    """Start the server process (the caller checks the assets and the port first)."""
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(server_command(port, host), env=server_env(assets_dir()), stdout=output, stderr=output)


def problem_before_start(port: int) -> str | None:
    """A one-line reason the dashboard cannot start, or None."""
    folder = assets_dir()
    missing = missing_assets(folder)
    if missing:
        return (
            f"Solara's browser assets are missing in {folder} ({', '.join(missing)}); without them the page stays "
            "blank offline. Fetch them once with tools/fetch_assets.sh (or `make assets`)."
        )
    if not port_free(port):
        return f"port {port} on {HOST} is in use; choose another with --port N"
    return None
