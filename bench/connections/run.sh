#!/usr/bin/env bash
# bench/connections: 500 concurrent chats for 20 s against `kaos agent`, with a `kaos modelapi`
# mock and a `kaos mcp` server behind it (each chat: 2 model calls + 1 tools/call), then how
# soon each server answers /health. Issue 12: the agent's pool opened and closed connections
# by the hundred, every closed one stayed in CLOSE-WAIT on the gateway and the MCP server for
# the 75 s idle timeout, both then refused every connection, and failed runs still answered 200.
#   under test = KAOS_BINARY; baseline = BASE_KAOS (default /work/base/build/bin/kaos, a build
#   of main before issue 12's connection work), the same scenario in the same run
#   stacks      = fresh processes per run (a run must not inherit the last one's sockets);
#                 agent on CPU1, wrk + model mock + MCP server on CPU0
#   runs        = ROUNDS × (baseline, under test), interleaved: this VM varies up to 40 %
#   figures     = chats/s and latency (wrk --latency), answers classified by chat.lua (ok / 200
#                 without the tool's answer ("Sorry, I encountered an error…") / non-200),
#                 wrk socket errors, CLOSE-WAIT sockets on the gateway and the MCP server right
#                 after the load, the agent's kaos_agent_runs_total{outcome="failed"} where the
#                 build has it, and the time until each server answers /health after the load
# Usage: bench/connections/run.sh KAOS_BINARY   (env: DURATION=20s CONNS=500 ROUNDS=2 BASE_KAOS=…)
set -euo pipefail
kaos=$(realpath "$1")
base=${BASE_KAOS:-/work/base/build/bin/kaos}
here=$(cd "$(dirname "$0")" && pwd)
duration=${DURATION:-20s}
conns=${CONNS:-500}
rounds=${ROUNDS:-2}
work=$(mktemp -d /tmp/kaos-bench-connections.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# free_port, wait_http, row
source "$here/../lib/common.sh"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) >= 4 * conns + 256 )) || { echo "ulimit -n $(ulimit -n) is too low for $conns connections" >&2; exit 1; }

cat > "$work/model.yaml" <<YAML
model_list:
  - model_name: mock-model
    litellm_params: {model: mock/mock-model}
YAML

# health_after URL: seconds until URL answers 200 (polled every 50 ms, a new connection each
# time, 2 s per attempt), or ">120" when it never does.
health_after() {
  python3 - "$1" <<'PY'
import sys, time, urllib.request
url, start = sys.argv[1], time.monotonic()
while time.monotonic() - start < 120:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                print(f"{time.monotonic() - start:.2f}"); sys.exit(0)
    except Exception:
        pass
    time.sleep(0.05)
print(">120")
PY
}
close_wait() { ss -Htan state close-wait "( sport = :$1 )" | wc -l; }  # close_wait PORT
metric() {  # metric PORT NAME LABEL: the sample's value; 0 when the family has no such sample
  # yet; n/a when the build has no such metric (before issue 12)
  curl -fs --max-time 5 "http://127.0.0.1:$1/metrics" |
    awk -v n="$2{$3}" -v fam="$2" '$1==n{v=$2} $0 ~ "^# TYPE " fam " "{known=1} END{print v != "" ? v : known ? 0 : "n/a"}'
}

run_stack() {  # run_stack LABEL BINARY → one table row
  local label=$1 bin=$2 mcp_port model_port agent_port out rps p50 p99 answers errors
  mcp_port=$(free_port); model_port=$(free_port); agent_port=$(free_port)
  LOG_LEVEL=ERROR taskset -c 0 "$bin" mcp --runtime everything --host 127.0.0.1 --port "$mcp_port" --threads 1 \
    >"$work/mcp-$label.log" 2>&1 & pids+=($!); local mcp_pid=$!
  LOG_LEVEL=ERROR taskset -c 0 "$bin" modelapi --config "$work/model.yaml" --host 127.0.0.1 --port "$model_port" \
    --threads 1 >"$work/model-$label.log" 2>&1 & pids+=($!); local model_pid=$!
  wait_http "http://127.0.0.1:$mcp_port/health"; wait_http "http://127.0.0.1:$model_port/health"
  env AGENT_NAME=bench LOG_LEVEL=ERROR MODEL_API_URL="http://127.0.0.1:$model_port" MODEL_NAME=mock-model \
    MCP_SERVERS=tools MCP_SERVER_tools_URL="http://127.0.0.1:$mcp_port" \
    taskset -c 1 "$bin" agent --host 127.0.0.1 --port "$agent_port" >"$work/agent-$label.log" 2>&1 & pids+=($!)
  local agent_pid=$!
  wait_http "http://127.0.0.1:$agent_port/ready"
  out=$(taskset -c 0 wrk -t1 -c"$conns" -d"$duration" --timeout 30s --latency -s "$here/chat.lua" \
    "http://127.0.0.1:$agent_port/v1/chat/completions" 2>&1)
  local cw_model cw_mcp h_agent h_model h_mcp failed_metric
  cw_model=$(close_wait "$model_port"); cw_mcp=$(close_wait "$mcp_port")
  # The three probes at once: each server's own recovery, not one waiting behind another.
  local probes=()
  health_after "http://127.0.0.1:$agent_port/health" >"$work/h-agent" & probes+=($!)
  health_after "http://127.0.0.1:$model_port/health" >"$work/h-model" & probes+=($!)
  health_after "http://127.0.0.1:$mcp_port/health" >"$work/h-mcp" & probes+=($!)
  wait "${probes[@]}"
  h_agent=$(cat "$work/h-agent"); h_model=$(cat "$work/h-model"); h_mcp=$(cat "$work/h-mcp")
  failed_metric=$(metric "$agent_port" kaos_agent_runs_total 'outcome="failed"' || echo n/a)
  rps=$(sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  answers=$(sed -n 's/^answers: //p' <<<"$out")
  errors=$(sed -n 's/^[[:space:]]*Socket errors: //p' <<<"$out"); errors=${errors:-none}
  row "$label" "$(printf '%.0f' "$rps")" "$p50 / $p99" "$answers" "$failed_metric" "$errors" \
    "$cw_model / $cw_mcp" "$h_agent / $h_model / $h_mcp"
  kill "$agent_pid" "$model_pid" "$mcp_pid" 2>/dev/null || true
  wait "$agent_pid" "$model_pid" "$mcp_pid" 2>/dev/null || true
}

echo "# bench/connections — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## $conns concurrent chats for $duration (2 model calls + 1 tools/call each): agent on CPU1; wrk, model mock and MCP server on CPU0"
echo
if [[ -x "$base" ]]; then
  base=$(realpath "$base")
  echo "baseline: $base ($(stat -c %y "$base" | cut -d. -f1)); under test: $kaos"
else
  echo "no baseline binary at $base (set BASE_KAOS to a build from before issue 12): this build only"
  base=""
fi
echo
row "build (run)" "chats/s" "p50 / p99" "answers (ok, 200 without the answer, non-200)" "failed runs (/metrics)" \
  "wrk socket errors" "CLOSE-WAIT after: gateway / MCP" "s to /health after: agent / gateway / MCP"
row "---" "---" "---" "---" "---" "---" "---" "---"
for r in $(seq 1 "$rounds"); do
  [[ -z "$base" ]] || run_stack "baseline ($r)" "$base"
  run_stack "**this build** ($r)" "$kaos"
done
