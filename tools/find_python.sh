#!/usr/bin/env bash
# Print the path of a Python >= 3.12: PATH first, then pyenv's versions.
# Exits 1 with advice when there is none.
set -u
is_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for name in python3.13 python3.12 python3 python; do
    if command -v "$name" >/dev/null 2>&1 && is_ok "$(command -v "$name")"; then
        command -v "$name"; exit 0
    fi
done
if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    for candidate in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -V); do
        if is_ok "$candidate/bin/python3"; then echo "$candidate/bin/python3"; exit 0; fi
    done
fi
echo "orgsim needs Python >= 3.12 (Mesa 3.5 requires it). Install one (e.g. 'pyenv install 3.12') or put it on PATH, then run make again." >&2
exit 1
