#!/usr/bin/env bash
# Create .venv on a Python >= 3.12 and install orgsim (editable) with its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(tools/find_python.sh)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then
    rm -rf .venv
    echo "setup: creating .venv with $python"
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
touch .venv/.installed
echo "setup: done ($(.venv/bin/python --version))"
