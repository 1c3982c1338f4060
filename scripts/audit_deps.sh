#!/usr/bin/env bash
# Known vulnerabilities in the installed packages (pip-audit against PyPI's advisory data).
#
# A vulnerability always fails the run. When the advisory data cannot be fetched (a closed
# build network: PyPI answers project pages but not the per-version pages pip-audit reads,
# and OSV is unreachable), the run says so loudly and goes on, because the tests can still be
# trusted; set CLEARPOST_REQUIRE_AUDIT=1 where the network is open to make that a failure too.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(.venv/bin/pip-audit --skip-editable --progress-spinner off 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
  echo "$out" >&2
  echo "audit_deps: pip-audit reported known vulnerabilities or could not run (above)" >&2
  exit 1
fi
skipped=$(grep -c "could not be audited" <<<"$out" || true)
audited=$(.venv/bin/python -m pip list --format=freeze --exclude-editable 2>/dev/null | wc -l)
if [ "$skipped" -gt 0 ]; then
  echo "audit_deps: NOT VERIFIED: $skipped of $audited packages could not be looked up" \
       "(advisory data unreachable from this machine); no vulnerability was found in the rest" >&2
  if [ "${CLEARPOST_REQUIRE_AUDIT:-0}" = "1" ]; then exit 1; fi
else
  echo "audit_deps: $audited packages audited, no known vulnerabilities"
fi
