#!/usr/bin/env bash
# bench/agent: the agent server (`kaos agent`) against baselines measured in the same run.
#   model      = `kaos modelapi` with its built-in mock provider (docs/modelapi-mock.md):
#                `mock-model` answers at once, `slow-model` waits 500 ms (mock_latency_ms)
#                before answering, so concurrent turns overlap; or the agent's in-process
#                DEBUG_MOCK_RESPONSES (no model hop at all)
#   tools      = `kaos mcp --runtime everything --threads 1` (its `echo` tool, argument `message`)
#   clients    = wrk -t1 with chat.lua (non-streaming turns, every answer checked);
#                kaos-bench-sse (bench/tools/sse_load.cpp) for 1,000 concurrent streaming turns;
#                kaos-bench-coldstart for cold start and RSS at the first 200 from /ready
# Figures (targets from the issue):
#   1. framework overhead per model call at c=1 (≤ 200 µs p50): agent turn − the same model
#      request(s) sent straight to the mock (and the same tools/call straight to the MCP server);
#      everything on CPU1, as the other scenarios' c=1 figures (a cross-core wake-up on this
#      2-vCPU VM costs ~300 µs and would drown the figure)
#   2. complete turns with 2 tool calls per second at c=32 (≥ 1,500/s): agent on CPU1, wrk and
#      the MCP server on CPU0; baselines: the same agent answering without tool calls, and the
#      MCP server's own tools/call rate under the same wrk
#   3. 1,000 concurrent streaming turns, each its own X-Session-ID, zero errors: agent on CPU1,
#      client, model mock and MCP server on CPU0; baseline: the same 1,000 streams straight to
#      the model mock
#   4. RSS (≤ 15 MB): /proc/PID/status of the agents, idle at start, idle after their load,
#      and the peak (VmHWM); beside them the MCP server and the model mock
#   5. cold start to the first 200 from /ready (≤ 100 ms), median of 5
# A failed or wrong answer (non-2xx, socket error, unexpected body, a stream without [DONE])
# aborts the run; the 1,000-stream figure reports its errors and fails the run if there are any.
# Usage: bench/agent/run.sh KAOS_BINARY     (env: DURATION=8s, AGENT_STREAMS=1000)
set -euo pipefail
kaos=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
bin=$(dirname "$kaos")
duration=${DURATION:-8s}
secs=${duration%s}
streams=${AGENT_STREAMS:-1000}
work=$(mktemp -d /tmp/kaos-bench-agent.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# free_port, wait_http, pin, pin_tree, cpu_ticks, ticks_per_s, parse_wrk, row
source "$here/../lib/common.sh"
calc() { python3 -c "print($1)"; }
get() { tr ' ' '\n' | sed -n "s/^$1=//p"; }  # get KEY <<<"k=v k=v": one figure of a bench tool's line

for t in kaos-bench-sse kaos-bench-coldstart; do
  [[ -x "$bin/$t" ]] || { echo "missing $bin/$t (build it beside kaos)" >&2; exit 1; }
done
# 1,000 client sockets here, 1,000 accepted plus up to 2,000 upstream ones in the agent.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) >= 4 * streams + 256 )) || { echo "ulimit -n $(ulimit -n) is too low for $streams streams" >&2; exit 1; }

# --- servers ------------------------------------------------------------------------------------
mcp_port=$(free_port); model_port=$(free_port)
taskset -c 0 "$kaos" mcp --runtime everything --host 127.0.0.1 --port "$mcp_port" --threads 1 >"$work/mcp.log" 2>&1 & pids+=($!); mcp_pid=$!
cat > "$work/model.yaml" <<YAML
model_list:
  - model_name: mock-model
    litellm_params: {model: mock/mock-model}
  - model_name: slow-model
    litellm_params: {model: mock/slow-model, mock_latency_ms: 500}
YAML
LOG_LEVEL=WARNING taskset -c 0 "$kaos" modelapi --config "$work/model.yaml" --host 127.0.0.1 --port "$model_port" --threads 1 >"$work/model.log" 2>&1 & pids+=($!); model_pid=$!

two_calls='[{"tool_calls":[{"name":"echo","arguments":{"message":"a"}},{"name":"echo","arguments":{"message":"b"}}]},"done"]'
start_agent() {  # start_agent NAME [VAR=value...] → port in $agent_port, pid in $agent_pid (on CPU1)
  local name=$1; shift
  agent_port=$(free_port)
  env AGENT_NAME="$name" LOG_LEVEL=WARNING "$@" taskset -c 1 "$kaos" agent --host 127.0.0.1 --port "$agent_port" \
    >"$work/agent-$name.log" 2>&1 & pids+=($!); agent_pid=$!
}
with_model=(MODEL_API_URL="http://127.0.0.1:$model_port" MODEL_NAME=mock-model)
with_tools=(MCP_SERVERS=tools MCP_SERVER_tools_URL="http://127.0.0.1:$mcp_port")
start_agent one-call "${with_model[@]}"; a1_port=$agent_port; a1_pid=$agent_pid
start_agent model-tool "${with_model[@]}" "${with_tools[@]}"; a2_port=$agent_port; a2_pid=$agent_pid
start_agent two-tools DEBUG_MOCK_RESPONSES="$two_calls" "${with_tools[@]}"; tt_port=$agent_port; tt_pid=$agent_pid
start_agent no-tools DEBUG_MOCK_RESPONSES='["done"]' "${with_tools[@]}"; nt_port=$agent_port; nt_pid=$agent_pid
start_agent streams MODEL_API_URL="http://127.0.0.1:$model_port" MODEL_NAME=slow-model "${with_tools[@]}"; st_port=$agent_port; st_pid=$agent_pid
ready() {  # ready URL LOG: wait for it, show the server's log if it never answers
  wait_http "$1" || { echo "not ready: $1; its log:" >&2; cat "$2" >&2; return 1; }
}
ready "http://127.0.0.1:$mcp_port/health" "$work/mcp.log"; ready "http://127.0.0.1:$model_port/health" "$work/model.log"
for a in one-call:$a1_port model-tool:$a2_port two-tools:$tt_port no-tools:$nt_port streams:$st_port; do
  ready "http://127.0.0.1:${a#*:}/ready" "$work/agent-${a%%:*}.log"
done
status_kib() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }  # status_kib PID VmRSS
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
rss_idle_tt=$(status_kib "$tt_pid" VmRSS); rss_idle_nt=$(status_kib "$nt_pid" VmRSS); rss_idle_st=$(status_kib "$st_pid" VmRSS)
rss_idle_mcp=$(status_kib "$mcp_pid" VmRSS); rss_idle_model=$(status_kib "$model_pid" VmRSS)

# --- MCP session (for the direct tools/call baselines) and the model requests the agent sends ----
H=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
sid=$(curl -fs -D - -o /dev/null "${H[@]}" \
  -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
  "http://127.0.0.1:$mcp_port/mcp" | grep -i '^mcp-session-id:' | cut -d' ' -f2 | tr -d '\r')
[[ -n "$sid" ]] || { echo "no Mcp-Session-Id from the MCP server" >&2; exit 1; }
curl -fs -o /dev/null "${H[@]}" -H "Mcp-Session-Id: $sid" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "http://127.0.0.1:$mcp_port/mcp"
curl -fs "${H[@]}" -H "Mcp-Session-Id: $sid" -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' "http://127.0.0.1:$mcp_port/mcp" >"$work/tools.json"
# The requests the agent makes (chat_body in src/servers/agent/model.cpp): its instructions as the system
# message, the user turn, and — with MCP servers — every tool as an OpenAI function; the second
# call of the tool turn adds the assistant's tool call and the tool's result.
WORK=$work python3 - <<'PY'
import json, os
w = os.environ["WORK"]
listed = json.load(open(f"{w}/tools.json"))["result"]["tools"]
tools = [{"type": "function", "function": {"name": t["name"], "description": t.get("description", ""),
          "parameters": t.get("inputSchema", {"type": "object"})}} for t in listed]
sysmsg = {"role": "system", "content": "You are a helpful assistant."}
def body(path, messages, with_tools):
    b = {"model": "mock-model", "messages": messages}
    if with_tools: b["tools"] = tools
    open(f"{w}/{path}", "w").write(json.dumps(b, separators=(",", ":")))
body("plain.json", [sysmsg, {"role": "user", "content": "hi"}], False)
body("plain-tools.json", [sysmsg, {"role": "user", "content": "hi"}], True)  # no tool named in "hi": no call
user = {"role": "user", "content": 'echo {"message":"hi"}'}
body("call1.json", [sysmsg, user], True)
call = {"role": "assistant", "content": None, "tool_calls": [{"id": "call_0123456789abcdef", "type": "function",
        "function": {"name": "echo", "arguments": '{"message":"hi"}'}}]}
body("call2.json", [sysmsg, user, call, {"role": "tool", "tool_call_id": "call_0123456789abcdef", "content": "Echo: hi"}], True)
PY

wrk_agent() {  # wrk_agent CPU CONNS PORT [duration] → "rps p50 p99" (env AGENT_EXPECT, AGENT_PROMPT)
  taskset -c "$1" wrk -t1 -c"$2" -d"${4:-$duration}" --timeout 10s --latency -s "$here/chat.lua" "http://127.0.0.1:$3/v1/chat/completions" | parse_wrk
}
wrk_model() {  # wrk_model CPU BODY_FILE [duration] → "rps p50 p99" (straight to the mock; answers checked)
  BODY_FILE=$2 taskset -c "$1" wrk -t1 -c1 -d"${3:-$duration}" --timeout 10s --latency -s "$here/post.lua" "http://127.0.0.1:$model_port/v1/chat/completions" | parse_wrk
}
wrk_mcp() {  # wrk_mcp CPU CONNS [duration] → "rps p50 p99" (tools/call echo on the session above)
  MCP_SESSION_ID=$sid taskset -c "$1" wrk -t1 -c"$2" -d"${3:-$duration}" --timeout 10s --latency -s "$here/../mcp/call.lua" "http://127.0.0.1:$mcp_port/mcp" | parse_wrk
}

echo "# bench/agent — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "## 1. Framework overhead per model call, c=1, wrk + agent + model mock + MCP server all on CPU1"
echo
pin_tree 1 "$model_pid"; pin_tree 1 "$mcp_pid"
tool_prompt='echo {\"message\":\"hi\"}'  # the mock calls the tool named in the text, with the {…} as arguments
wrk_model 1 "$work/plain.json" 1s >/dev/null; wrk_model 1 "$work/call1.json" 1s >/dev/null  # warm-up
AGENT_EXPECT='"content":"Mock response to: hi"' wrk_agent 1 1 "$a1_port" 1s >/dev/null
AGENT_EXPECT='"content":"Echo: hi"' AGENT_PROMPT=$tool_prompt wrk_agent 1 1 "$a2_port" 1s >/dev/null
r=$(wrk_model 1 "$work/plain.json"); read -r d_rps d_p50 d_p99 <<<"$r"
r=$(AGENT_EXPECT='"content":"Mock response to: hi"' wrk_agent 1 1 "$a1_port"); read -r a_rps a_p50 a_p99 <<<"$r"
r=$(wrk_model 1 "$work/plain-tools.json"); read -r dt_rps dt_p50 dt_p99 <<<"$r"
r=$(AGENT_EXPECT='"content":"Mock response to: hi"' wrk_agent 1 1 "$a2_port"); read -r at_rps at_p50 at_p99 <<<"$r"
r=$(wrk_model 1 "$work/call1.json"); read -r m1_rps m1_p50 m1_p99 <<<"$r"
r=$(wrk_model 1 "$work/call2.json"); read -r m2_rps m2_p50 m2_p99 <<<"$r"
r=$(wrk_mcp 1 1); read -r t_rps t_p50 t_p99 <<<"$r"
r=$(AGENT_EXPECT='"content":"Echo: hi"' AGENT_PROMPT=$tool_prompt wrk_agent 1 1 "$a2_port"); read -r b_rps b_p50 b_p99 <<<"$r"
row "path" "req/s" "p50 µs" "p99 µs"
row "---" "---" "---" "---"
row "model mock, direct: the agent's request (system + user, no tools) (baseline)" "$d_rps" "$d_p50" "$d_p99"
row "**agent turn, 1 model call** (no MCP servers)" "$a_rps" "$a_p50" "$a_p99"
row "**overhead per model call** = turn − direct — target p50 ≤ 200 µs" "" "**$(calc "round($a_p50-$d_p50,1)")**" "$(calc "round($a_p99-$d_p99,1)")"
ntools=$(python3 -c "import json;print(len(json.load(open('$work/tools.json'))['result']['tools']))")
row "model mock, direct: the same request with the MCP server's $ntools tool definitions ($(stat -c %s "$work/plain-tools.json") B) (baseline)" "$dt_rps" "$dt_p50" "$dt_p99"
row "**agent turn, 1 model call, $ntools tool definitions** (MCP server configured, the model calls no tool)" "$at_rps" "$at_p50" "$at_p99"
row "**overhead per model call with tools** = turn − direct — target p50 ≤ 200 µs" "" "**$(calc "round($at_p50-$dt_p50,1)")**" "$(calc "round($at_p99-$dt_p99,1)")"
row "model mock, direct: call 1 of the tool turn (system + user + $ntools tool definitions, $(stat -c %s "$work/call1.json") B) (baseline)" "$m1_rps" "$m1_p50" "$m1_p99"
row "model mock, direct: call 2 (+ assistant tool call + tool result, $(stat -c %s "$work/call2.json") B) (baseline)" "$m2_rps" "$m2_p50" "$m2_p99"
row "MCP server, direct: tools/call echo on a session (baseline)" "$t_rps" "$t_p50" "$t_p99"
row "**agent turn, 2 model calls + 1 MCP tool call** (the model mock calls echo, then answers with its result)" "$b_rps" "$b_p50" "$b_p99"
row "**overhead per loop step** = (turn − call 1 − call 2 − tools/call) ÷ 2 — target p50 ≤ 200 µs" "" "**$(calc "round(($b_p50-$m1_p50-$m2_p50-$t_p50)/2,1)")**" ""
echo

echo "## 2. Complete turns per second, c=32: agent on CPU1, wrk + MCP server on CPU0 (in-process mock model: DEBUG_MOCK_RESPONSES)"
echo
pin_tree 0 "$model_pid"; pin_tree 0 "$mcp_pid"
measure_agent() {  # measure_agent PID PORT → "rps p50 p99 cpu_us_per_turn" (env AGENT_EXPECT)
  local pid=$1 t0 t1 rps p50 p99 out
  t0=$(cpu_ticks "$pid")
  out=$(wrk_agent 0 32 "$2") || return 1
  read -r rps p50 p99 <<<"$out"
  t1=$(cpu_ticks "$pid")
  echo "$rps $p50 $p99 $(calc "round(($t1-$t0)/$ticks_per_s*1e6/($rps*$secs),1)")"
}
wrk_agent 0 32 "$tt_port" 1s >/dev/null; wrk_agent 0 32 "$nt_port" 1s >/dev/null  # warm-up
r=$(measure_agent "$tt_pid" "$tt_port"); read -r tt_rps tt_p50 tt_p99 tt_cpu <<<"$r"
r=$(measure_agent "$nt_pid" "$nt_port"); read -r nt_rps nt_p50 nt_p99 nt_cpu <<<"$r"
t0=$(cpu_ticks "$mcp_pid")
r=$(wrk_mcp 0 32); read -r mc_rps mc_p50 mc_p99 <<<"$r"
mc_cpu=$(calc "round(($(cpu_ticks "$mcp_pid")-$t0)/$ticks_per_s*1e6/($mc_rps*$secs),1)")
sleep 1
rss_after_tt=$(status_kib "$tt_pid" VmRSS); rss_peak_tt=$(status_kib "$tt_pid" VmHWM)
rss_after_nt=$(status_kib "$nt_pid" VmRSS); rss_peak_nt=$(status_kib "$nt_pid" VmHWM)
row "load" "turns/s (calls/s)" "p50 / p99 µs" "CPU µs per turn (agent process)"
row "---" "---" "---" "---"
row "**turn with 2 concurrent echo calls** to \`kaos mcp\` — target ≥ 1,500/s" "**$tt_rps**" "$tt_p50 / $tt_p99" "$tt_cpu"
row "turn without tool calls (mock answers \"done\"; same MCP server configured) (baseline)" "$nt_rps" "$nt_p50 / $nt_p99" "$nt_cpu"
row "MCP server alone: tools/call echo, same wrk on CPU0 (baseline; calls/s, CPU µs per call)" "$mc_rps" "$mc_p50 / $mc_p99" "$mc_cpu"
row "**2-tool turn / no-tool turn**" "$(calc "round($tt_rps/$nt_rps,2)")" "" "$(calc "round($tt_cpu/$nt_cpu,2)")"
echo

echo "## 3. $streams concurrent streaming turns, each its own X-Session-ID: agent on CPU1; client, model mock (500 ms per answer) and MCP server on CPU0"
echo
prompt_json='echo {\"message\":\"hi\"}'
sse() { taskset -c 0 "$bin/kaos-bench-sse" "$@" || true; }  # failures are counted in its line and reported
direct=$(sse --port "$model_port" --model slow-model --streams "$streams" --concurrency "$streams" --prompt "$prompt_json")
via=$(sse --port "$st_port" --model agent --streams "$streams" --concurrency "$streams" --prompt "$prompt_json" \
  --session-prefix "bench-$$-" --expect-chunks 2)
sleep 1
rss_after_st=$(status_kib "$st_pid" VmRSS); rss_peak_st=$(status_kib "$st_pid" VmHWM)
rss_peak_model=$(status_kib "$model_pid" VmHWM); rss_peak_mcp=$(status_kib "$mcp_pid" VmHWM)
sessions=$(curl -fs "http://127.0.0.1:$st_port/memory/sessions" | python3 -c "import json,sys;d=json.load(sys.stdin);print(sum(s.startswith('bench-$$-') for s in d['sessions']))")
row "path" "complete ([DONE]) / failed / short" "whole stream p50 / p99 / max ms" "wall s"
row "---" "---" "---" "---"
row "model mock, direct (stream, 1 call of 500 ms) (baseline)" "$(get streams_ok <<<"$direct") / $(get streams_failed <<<"$direct") / –" \
  "$(get total_p50_ms <<<"$direct") / $(get total_p99_ms <<<"$direct") / $(get total_max_ms <<<"$direct")" "$(get secs <<<"$direct")"
row "**agent** (stream; 2 model calls of 500 ms + 1 echo call; progress chunk + answer) — target $streams/$streams, 0 errors" \
  "**$(get streams_ok <<<"$via") / $(get streams_failed <<<"$via") / $(get short_streams <<<"$via")**" \
  "$(get total_p50_ms <<<"$via") / $(get total_p99_ms <<<"$via") / $(get total_max_ms <<<"$via")" "$(get secs <<<"$via")"
echo
echo "Sessions of this load recorded in the agent's memory: $sessions of $streams."
echo

echo "## 4. Resident memory (MB, /proc/PID/status)"
echo
row "process" "VmRSS idle at start" "VmRSS idle after its load" "peak (VmHWM)"
row "---" "---" "---" "---"
row "**agent, 2-tool turns** (after section 2: its local memory then holds up to MEMORY_MAX_SESSIONS=1,000 sessions of 6 events each) — target ≤ 15" "**$(mb "$rss_idle_tt")**" "$(mb "$rss_after_tt")" "$(mb "$rss_peak_tt")"
row "agent, no-tool turns (after section 2: up to 1,000 sessions of 2 events each held)" "$(mb "$rss_idle_nt")" "$(mb "$rss_after_nt")" "$(mb "$rss_peak_nt")"
row "**agent, $streams streams** (after section 3) — target ≤ 15" "**$(mb "$rss_idle_st")**" "$(mb "$rss_after_st")" "$(mb "$rss_peak_st")"
row "kaos mcp (everything), the tool server of both (baseline)" "$(mb "$rss_idle_mcp")" "$(mb "$(status_kib "$mcp_pid" VmRSS)")" "$(mb "$rss_peak_mcp")"
row "kaos modelapi mock, the model of section 3 (baseline: same HTTP layer, $streams streams)" "$(mb "$rss_idle_model")" "$(mb "$(status_kib "$model_pid" VmRSS)")" "$(mb "$rss_peak_model")"
echo

echo "## 5. Cold start to the first 200 (median of 5, kaos-bench-coldstart on CPU1)"
echo
# The load servers go first: the cold starts get a quiet machine.
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=()
cs_port=$(free_port)
coldstart() { local path=$1; shift; taskset -c 1 "$bin/kaos-bench-coldstart" --port "$cs_port" --path "$path" -- "$@" | tail -1; }
ms() { sed 's/.*coldstart_ms_median=\([^ ]*\).*/\1/' <<<"$1"; }
rss_mb() { sed 's/.*rss_kib_median=\([^ ]*\).*/\1/' <<<"$1" | awk '{printf "%.1f", $1/1024}'; }
c1=$(AGENT_NAME=cs LOG_LEVEL=WARNING DEBUG_MOCK_RESPONSES="$two_calls" coldstart /ready "$kaos" agent --host 127.0.0.1 --port "$cs_port")
c2=$(AGENT_NAME=cs LOG_LEVEL=WARNING MODEL_API_URL=http://127.0.0.1:9 MODEL_NAME=m MCP_SERVERS=tools MCP_SERVER_tools_URL=http://127.0.0.1:9 \
  coldstart /ready "$kaos" agent --host 127.0.0.1 --port "$cs_port")
c3=$(coldstart /health "$kaos" mcp --runtime everything --host 127.0.0.1 --port "$cs_port" --threads 1)
row "server" "cold start to first 200 (ms)" "RSS at that moment (MB)" ""
row "---" "---" "---" "---"
row "**kaos agent**, DEBUG_MOCK_RESPONSES, /ready — target ≤ 100 ms" "**$(ms "$c1")**" "$(rss_mb "$c1")" ""
row "kaos agent, MODEL_API_URL + MCP_SERVERS configured, /ready" "$(ms "$c2")" "$(rss_mb "$c2")" ""
row "kaos mcp --runtime everything, /health (baseline: same binary)" "$(ms "$c3")" "$(rss_mb "$c3")" ""

# Streams that failed fail the run (after the tables, so the figures are still printed).
if [[ "$(get streams_failed <<<"$via")" != 0 || "$(get streams_ok <<<"$via")" != "$streams" || "$(get short_streams <<<"$via")" != 0 ]]; then
  echo "agent: $(get streams_failed <<<"$via") of $streams streams failed, $(get short_streams <<<"$via") short" >&2; exit 1
fi
if [[ "$(get streams_ok <<<"$direct")" != "$streams" ]]; then
  echo "model mock: only $(get streams_ok <<<"$direct") of $streams direct streams completed" >&2; exit 1
fi
