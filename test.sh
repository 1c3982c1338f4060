#!/usr/bin/env bash
# Set up (first run) and run every check: lint, types, import layers, then the tests.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh test,media,media-test,archives,ray,service,service-test,web,web-test,phi
.venv/bin/ruff check src tests bench train
.venv/bin/lint-imports --no-cache
.venv/bin/mypy
.venv/bin/bandit -q -r src -c pyproject.toml
# Known vulnerabilities in the installed packages. --strict: a package that cannot be looked
# up fails the run, so an unreachable vulnerability service never passes as "no findings".
.venv/bin/pip-audit --strict --skip-editable --progress-spinner off \
  || { echo "test.sh: pip-audit failed: a known vulnerability, or the vulnerability data" \
            "could not be fetched (see above); the dependencies were NOT shown clean" >&2; exit 1; }
.venv/bin/python -m pytest "$@"
