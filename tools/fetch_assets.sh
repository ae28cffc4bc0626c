#!/usr/bin/env bash
# Fetch Solara's browser assets from npm into .assets/<name>@<version>/ so the
# dashboard works with no internet (Solara would ask a CDN for them).
# The folder name is the URL segment Solara requests; point
# SOLARA_ASSETS_PROXY_CACHE_DIR at .assets/ (orgsim dashboard does).
# Idempotent: a package already unpacked is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST="${ORGSIM_ASSETS_DIR:-.assets}"
PACKAGES=(
    "@widgetti/solara-vuetify-app@10.1.1"
    "requirejs@2.3.6"
    "font-awesome@4.5.0"
    "@widgetti/vue-grid-layout@2.3.13-alpha.2"
    "vega@5"
    "vega-lite@5"
    "vega-embed@6"
)
mkdir -p "$DEST"
all_present=1
for spec in "${PACKAGES[@]}"; do [ -f "$DEST/$spec/package.json" ] || all_present=0; done
if [ "$all_present" = 1 ]; then
    echo "assets: Solara's browser assets are in $DEST/"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "assets: installing npm"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    else
        echo "assets: npm is needed to fetch Solara's browser assets (sudo apt-get install -y npm)" >&2
        exit 1
    fi
fi
for spec in "${PACKAGES[@]}"; do
    target="$DEST/$spec"
    if [ -f "$target/package.json" ]; then
        continue
    fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    echo "assets: fetching $spec"
    tarball=$(cd "$work" && npm pack --silent "$spec" 2>/dev/null | tail -n 1)
    mkdir -p "$work/unpacked"
    tar -xzf "$work/$tarball" -C "$work/unpacked"
    rm -rf "$target.partial"
    mkdir -p "$(dirname "$target")"
    mv "$work/unpacked/package" "$target.partial"
    mv "$target.partial" "$target"
    rm -rf "$work"
    trap - EXIT
done
echo "assets: Solara's browser assets are in $DEST/"
