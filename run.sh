#!/usr/bin/env bash
# Set up (first run) and start clearpost on the embedded default (SQLite, no other server).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec .venv/bin/clearpost serve --demo "$@"
