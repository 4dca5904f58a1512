#!/usr/bin/env bash
# The client under test for the official MCP conformance suite in client mode: the suite runs
# `bash conformance-client.sh SERVER_URL` with MCP_CONFORMANCE_SCENARIO set, and this maps each
# scenario to the `kaos mcp-call` invocation that exercises it. KAOS_BIN is the binary.
set -euo pipefail
url=${1:?usage: conformance-client.sh SERVER_URL (run by the conformance suite)}
kaos=${KAOS_BIN:?set KAOS_BIN to the kaos binary}
scenario=${MCP_CONFORMANCE_SCENARIO:?the conformance suite sets MCP_CONFORMANCE_SCENARIO}

case "$scenario" in
  initialize)
    # initialize, notifications/initialized, then a request on the session.
    exec "$kaos" mcp-call "$url" --list --connect-timeout 5 --timeout 20 ;;
  tools_call)
    exec "$kaos" mcp-call "$url" add_numbers --args '{"a": 5, "b": 3}' --connect-timeout 5 --timeout 20 ;;
  sse-retry)
    # The tool's SSE answer closes after a priming event (retry: 500); the client must resume
    # with GET + Last-Event-ID after 500 ms.
    "$kaos" mcp-call "$url" --list --connect-timeout 5 --timeout 20 >/dev/null
    exec "$kaos" mcp-call "$url" test_reconnection --connect-timeout 5 --timeout 20 ;;
  *)
    echo "conformance-client.sh: scenario '$scenario' has no mapping to kaos mcp-call" >&2
    exit 2 ;;
esac
