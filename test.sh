#!/usr/bin/env bash
# Set up (first run) and run every check: lint, types, import layers, then the tests.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh test,media,media-test,archives,ray,service,service-test,web,web-test,phi,conduct-ml
.venv/bin/ruff check src tests bench train
.venv/bin/lint-imports --no-cache
.venv/bin/mypy
.venv/bin/bandit -q -r src -c pyproject.toml
scripts/audit_deps.sh
.venv/bin/python -m pytest "$@"
