"""Start the dashboard's web server (`orgsim dashboard`): `solara run app.py`, offline, for one user or a room.

Solara asks a CDN for its browser assets; `tools/fetch_assets.sh` puts them
in `.assets/` (from npm) and `SOLARA_ASSETS_PROXY_CACHE_DIR` points Solara
there, so the page works with no internet. Telemetry is off.

`run` is the whole command: it checks the assets and the port, passes the
room's settings to the server process as environment variables (the results
root, the per-session limits, the facilitator's token), prints the
participants' and the facilitator's links, and stops the server when it is
stopped itself (Ctrl-C, `kill PID`, or its own death on Linux).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sim.dashboard.limits import ENV as LIMIT_ENV
from sim.dashboard.results_folder import ROOT_ENV
from sim.dashboard.room import TOKEN_ENV

HOST = "127.0.0.1"
# The hosts that mean every address of this machine (a server on "::" takes IPv6 only): for each, the loopback
# address such a server answers on here, and an address beyond this machine (no packet is sent to it) whose
# route tells this machine's own address on the room's network.
EVERY_ADDRESS = {"": ("127.0.0.1", "10.255.255.255"), "0.0.0.0": ("127.0.0.1", "10.255.255.255"),
                 "::": ("::1", "2001:db8::1")}
REPO_ROOT = Path(__file__).resolve().parents[2]
APP = Path(__file__).resolve().parent / "app.py"
# The folders Solara requests; tools/fetch_assets.sh fills them.
REQUIRED_ASSETS = ("@widgetti/solara-vuetify-app@10.1.1", "requirejs@2.3.6", "font-awesome@4.5.0")
# Solara warns on every page served over plain http to a host name other than "localhost" (a room's
# participants use the machine's address) that its session cookie cannot be SameSite=None. That only
# matters for a page embedded in another site's frame, which the dashboard never is: silence exactly it.
COOKIE_WARNING_FILTER = "ignore:Cookies with samesite=none require https:UserWarning"
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a child gets when its parent dies


class StartError(Exception):
    """The dashboard cannot start; the message says why in one line."""


def assets_dir() -> Path:
    """Where Solara's browser assets are: $ORGSIM_ASSETS_DIR, else `.assets/` in the repository."""
    return Path(os.environ.get("ORGSIM_ASSETS_DIR") or REPO_ROOT / ".assets").resolve()


def missing_assets(folder: Path) -> list[str]:
    return [name for name in REQUIRED_ASSETS if not (folder / name / "package.json").is_file()]


def _bind_as_the_server(port: int, host: str) -> None:
    """Bind `port` on `host` as the server will, IPv4 or IPv6 alike ("" or "0.0.0.0": every IPv4 address,
    "::" every IPv6 address). OSError if it cannot: the port is in use, or `host` is no address of this machine."""
    family, kind, _, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                     flags=socket.AI_PASSIVE)[0]
    with socket.socket(family, kind) as probe:
        probe.bind(address)


def port_free(port: int, host: str = HOST) -> bool:
    try:
        _bind_as_the_server(port, host)
    except OSError:
        return False
    return True


def server_env(folder: Path, room: dict[str, str] | None = None) -> dict:
    """The server process's environment: offline assets, no telemetry, an HttpOnly cookie, the room's settings."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(folder)
    env["SOLARA_SESSION_HTTP_ONLY"] = "True"  # the page's scripts never need the session cookie
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"), COOKIE_WARNING_FILTER]))
    env.update(room or {})
    return env


def room_env(results: str | Path = "results", limits: dict[str, int | None] | None = None,
             token: str | None = None) -> dict[str, str]:
    """The environment variables that carry `--results`, the limits given (`max_employees`, ...) and the token."""
    env = {ROOT_ENV: str(Path(results).expanduser().resolve())}
    env.update({LIMIT_ENV[name]: str(value) for name, value in (limits or {}).items() if value is not None})
    if token:
        env[TOKEN_ENV] = token
    return env


def server_command(port: int, host: str = HOST) -> list[str]:
    return [
        sys.executable, "-m", "solara", "run", str(APP),
        "--host", host, "--port", str(port), "--no-open", "--production",
    ]


def _die_with_parent() -> None:
    # Runs in the server process before Solara starts: if `orgsim dashboard` dies without stopping it
    # (kill -9), Linux sends the server SIGTERM. Elsewhere there is no prctl and the handler in `run` remains.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def wait_until_listening(port: int, process: subprocess.Popen, timeout_s: float = 90.0, host: str = HOST) -> bool:
    probe_host = EVERY_ADDRESS[host][0] if host in EVERY_ADDRESS else host
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection((probe_host, port), timeout=0.5):
            return True
        time.sleep(0.2)
    return False


def start(port: int, host: str = HOST, quiet: bool = False, room: dict[str, str] | None = None) -> subprocess.Popen:
    """Start the server process (the caller checks the assets and the port first)."""
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(server_command(port, host), env=server_env(assets_dir(), room), stdout=output,
                            stderr=output, preexec_fn=_die_with_parent if sys.platform == "linux" else None)


def stop(process: subprocess.Popen, timeout_s: float = 10.0) -> None:
    """Ask the server to stop; kill it if it has not within `timeout_s`."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def problem_before_start(port: int, host: str = HOST) -> str | None:
    """A one-line reason the dashboard cannot start, or None."""
    folder = assets_dir()
    missing = missing_assets(folder)
    if missing:
        return (
            f"Solara's browser assets are missing in {folder} ({', '.join(missing)}); without them the page stays "
            "blank offline. Fetch them once with tools/fetch_assets.sh (or `make assets`)."
        )
    try:
        _bind_as_the_server(port, host)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return f"port {port} on {host} is in use; choose another with --port N"
        return f"cannot serve on {host}: not an address of this machine (try --host 0.0.0.0)"
    return None


def address_for_others(host: str) -> str:
    """The address participants type in a link: the host given, or this machine's address on the room's
    network when the server listens on every address (an IPv6 address in brackets)."""
    if host in EVERY_ADDRESS:
        outside = EVERY_ADDRESS[host][1]
        with socket.socket(socket.AF_INET6 if ":" in outside else socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((outside, 1))  # no packet is sent: this only picks the outgoing interface
                host = probe.getsockname()[0]
            except OSError:
                return socket.gethostname()
    return f"[{host}]" if ":" in host else host


class _Stopped(Exception):
    pass


def _raise_stopped(_signum, _frame):
    raise _Stopped


def run(port: int, host: str = HOST, results: str | Path = "results", limits: dict[str, int | None] | None = None,
        echo=print) -> int:
    """Serve the dashboard until stopped; returns the exit code. StartError when it cannot start."""
    problem = problem_before_start(port, host)
    if problem:
        raise StartError(problem)
    token = secrets.token_urlsafe(16)
    signal.signal(signal.SIGTERM, _raise_stopped)  # `kill PID` stops the server as Ctrl-C does
    process = start(port, host, room=room_env(results, limits, token))
    try:
        if not wait_until_listening(port, process, host=host):
            stop(process)
            raise StartError(f"the dashboard server did not start (exit code {process.returncode})")
        base = f"http://{address_for_others(host)}:{port}"
        echo(f"orgsim dashboard: participants open  {base}/")
        echo(f"                  facilitator opens  {base}/facilitator?token={token}")
        echo("                  (Ctrl-C to stop)")
        return process.wait()
    except (KeyboardInterrupt, _Stopped):
        stop(process)
        echo("orgsim dashboard: stopped")
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if process.poll() is None:
            stop(process)
