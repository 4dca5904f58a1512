#!/usr/bin/env bash
# The operator's scenario: `kaos operator` against the stand-in API server (tests/k8s): Agent
# created -> Deployment exists (against the stand-in doing the same writes for a client), COUNT
# MCPServers resynced after a restart (time, peak RSS, writes), and the stand-in's own rate.
# Usage: bench/operator/run.sh KAOS_BINARY
# Env: OPERATOR_COUNT (default 10000; ~6 min on the 2-vCPU VM), OPERATOR_AGENTS (100),
#      OPERATOR_WORKERS (4, scenario 1), OPERATOR_RESYNC_WORKERS (16, scenario 2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kaos=${1:?usage: bench/operator/run.sh KAOS_BINARY}
# The stand-in and this driver on CPU0, the operator under test on CPU1 (bench/README.md).
exec /usr/bin/python3 "$here/driver.py" "$(realpath "$kaos")" \
  --count "${OPERATOR_COUNT:-10000}" --agents "${OPERATOR_AGENTS:-100}" \
  --workers "${OPERATOR_WORKERS:-4}" --resync-workers "${OPERATOR_RESYNC_WORKERS:-16}" \
  --standin-cpu 0 --operator-cpu 1
