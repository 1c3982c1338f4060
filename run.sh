#!/usr/bin/env bash
# Set up (first run) and start the clearpost service with a demo organization on SQLite
# (no other server); prints the address and one sign-in per role.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh service,web,media,archives,conduct-ml
exec .venv/bin/clearpost serve --demo "$@"
