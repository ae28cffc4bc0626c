#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the dashboard's browser tests.
# Never `playwright install`: it downloads a browser build, which fails on a machine without internet access.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    echo "browser: /usr/bin/chromium present"
    exit 0
fi
if [ "$(id -u)" = "0" ]; then
    echo "browser: installing Debian's chromium (about 25 s)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
    echo "browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
else
    echo "browser: /usr/bin/chromium is missing and this is not root; the dashboard's browser tests will be skipped." >&2
    echo "browser: to run them, install it once: sudo apt-get update && sudo apt-get install -y chromium" >&2
fi
