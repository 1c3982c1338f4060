#!/usr/bin/env bash
# Copy htmx (pinned in package.json / package-lock.json) into the web app's static files.
# Run after changing htmx's version; the copied file is committed, so nothing is built at
# install or run time.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
version=$(node -p 'require("./node_modules/htmx.org/package.json").version')
dest=src/clearpost/web/static/htmx.min.js
mkdir -p "$(dirname "$dest")"
{ printf '/* htmx %s (BSD-2-Clause), vendored by scripts/vendor_htmx.sh */\n' "$version"
  cat node_modules/htmx.org/dist/htmx.min.js; } > "$dest.tmp"
mv "$dest.tmp" "$dest"
echo "vendored htmx $version -> $dest"
