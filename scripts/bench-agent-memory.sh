#!/bin/sh
# The issue-12 memory figure at full size: 100 chats of 8 MB each into one `kaos agent` (message
# limit raised to 9 MiB so they run, MEMORY_MAX_TOTAL_BYTES 64 MiB), printing the idle and peak
# RSS and failing when the peak passes the bound documented in docs/agent.md ("Memory bounds").
# make test runs the same check with 30 chats (tests/integration/agent_bounds_test.py).
#
# Usage: scripts/bench-agent-memory.sh [KAOS_BINARY]   (default build/bin/kaos; CHATS=100)
set -eu
here=$(dirname "$0")
kaos=${1:-$here/../build/bin/kaos}
BOUNDS_CHATS=${CHATS:-100} exec python3 "$here/../tests/integration/agent_bounds_test.py" "$kaos" \
  MemoryBoundTest
