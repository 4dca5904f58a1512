#!/usr/bin/env bash
# make bench: runs every benchmark scenario and prints one table per scenario.
# Usage: bench/run.sh [KAOS_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kaos=$(realpath "${1:-$here/../build/bin/kaos}")
mkdir -p "$here/results"
"$here/modelapi/run.sh" "$kaos" | tee "$here/results/modelapi.md"
echo
"$here/mcp/run.sh" "$kaos" | tee "$here/results/mcp.md"
echo
"$here/agent/run.sh" "$kaos" | tee "$here/results/agent.md"
echo
"$here/local/run.sh" "$kaos" | tee "$here/results/local.md"
echo
"$here/connections/run.sh" "$kaos" | tee "$here/results/connections.md"
echo
"$here/operator/run.sh" "$kaos" | tee "$here/results/operator.md"
