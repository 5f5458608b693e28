#!/usr/bin/env bash
# Copies front-end assets from the npm registry (pinned in package-lock.json) into static/vendor.
# Run at build time; the running product never fetches anything from the network.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent
dest=src/rodtrad/static/vendor
mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
