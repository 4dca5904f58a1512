#!/usr/bin/env bash
# Node conformance suites: each folder of tests/conformance/ with a package.json is one suite,
# run with `node --test` after installing its pinned dependencies (npm ci, from the lockfile).
# The binary under test is passed as KAOS_BIN.
# Usage: scripts/conformance.sh KAOS_BINARY [SUITE...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kaos=${1:?usage: scripts/conformance.sh KAOS_BINARY [SUITE...]}
shift
export KAOS_BIN=$(cd "$(dirname "$kaos")" && pwd)/$(basename "$kaos")
[ -x "$KAOS_BIN" ] || { echo "conformance: $KAOS_BIN is not an executable" >&2; exit 2; }

if [ $# -gt 0 ]; then
  suites=("$@")
else
  suites=()
  for dir in "$root"/tests/conformance/*/; do
    [ -f "$dir/package.json" ] && suites+=("$(basename "$dir")")
  done
fi

status=0
for suite in "${suites[@]}"; do
  dir="$root/tests/conformance/$suite"
  echo "== conformance: $suite"
  # Installed by scripts/install-deps.sh (make test runs it first); installed here when run alone.
  [ -d "$dir/node_modules" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  (cd "$dir" && node --test) || status=1
done
exit $status
