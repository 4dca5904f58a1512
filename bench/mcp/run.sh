#!/usr/bin/env bash
# bench/mcp: the MCP server (`kaos mcp`, Streamable HTTP) against baselines measured in the same run.
#   under test = `kaos mcp --runtime everything --threads 1` (native `echo` tool), and
#                `kaos mcp --runtime python-string` (a Python `echo`, 1 and 2 workers)
#   baselines  = the official TypeScript MCP SDK (ts_echo_server.mjs: McpServer +
#                StreamableHTTPServerTransport, stateful, JSON responses: the KAOS-like peer), and
#                nginx answering POST /mcp with a canned JSON-RPC result (the HTTP floor)
#   client     = wrk -t1 with call.lua (tools/call echo on one reused session, unique ids, every
#                body checked); kaos-bench-mcp-cycle (bench/tools/mcp_cycle.cpp) for full session
#                cycles, initialize → initialized → tools/call → DELETE, C connections on one thread
# Pinning as bench/modelapi: every server starts on CPU1 (its children inherit it: nginx's worker,
# the python-string workers), wrk runs on CPU0; the c=1 latency scenario puts wrk on CPU1 too (a
# cross-core wake-up on a 2-vCPU VM costs ~300 µs and would drown the figure).
# A failed or wrong answer (non-2xx, socket error, unexpected body) aborts the run.
# Usage: bench/mcp/run.sh KAOS_BINARY     (env: DURATION=8s, MCP_CYCLE_CONNS=16)
set -euo pipefail
kaos=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
bin=$(dirname "$kaos")
duration=${DURATION:-8s}
secs=${duration%s}
work=$(mktemp -d /tmp/kaos-bench-mcp.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# free_port, wait_http, pin, pin_tree, worker_of, cpu_ticks, cpu_ticks_tree, ticks_per_s, parse_wrk, row
source "$here/../lib/common.sh"
calc() { python3 -c "print($1)"; }
get() { tr ' ' '\n' | sed -n "s/^$1=//p"; }  # get KEY <<<"k=v k=v": one figure of a bench tool's line

for t in kaos-python-worker kaos-bench-mcp-cycle kaos-bench-coldstart; do
  [[ -x "$bin/$t" ]] || { echo "missing $bin/$t (build it beside kaos)" >&2; exit 1; }
done
ts_sdk="$here/../../tests/conformance/mcp/node_modules/@modelcontextprotocol/sdk"
if [[ ! -d "$ts_sdk" ]]; then
  (cd "$here/../../tests/conformance/mcp" && npm ci --no-audit --no-fund >/dev/null)
fi

kaos_port=$(free_port); ts_port=$(free_port); ngx_port=$(free_port)
py1_port=$(free_port); py2_port=$(free_port); py2u_port=$(free_port)

# --- servers ------------------------------------------------------------------------------------
start_kaos() {  # start_kaos PORT [kaos mcp args...] → pid in $started (on CPUS, default CPU1)
  local port=$1; shift
  taskset -c "${CPUS:-1}" "$kaos" mcp --host 127.0.0.1 --port "$port" --threads 1 "$@" >"$work/kaos-$port.log" 2>&1 & pids+=($!); started=$!
}
start_kaos "$kaos_port" --runtime everything; kaos_pid=$started
taskset -c 1 node "$here/ts_echo_server.mjs" "$ts_port" >"$work/ts.log" 2>&1 & pids+=($!); ts_pid=$!
canned='{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"Echo: hello"}]}}'
mkdir -p "$work/ngx"
cat > "$work/ngx/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $work/ngx/nginx.pid; error_log $work/ngx/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  client_body_temp_path $work/ngx; proxy_temp_path $work/ngx; fastcgi_temp_path $work/ngx; uwsgi_temp_path $work/ngx; scgi_temp_path $work/ngx;
  server { listen 127.0.0.1:$ngx_port;
    location = /health { return 200 'ok'; }
    location = /mcp { default_type application/json;
      if (\$request_method = DELETE) { return 204; }
      add_header Mcp-Session-Id nginx-floor always;
      return 200 '$canned'; } } }
NGX
taskset -c 1 nginx -c "$work/ngx/nginx.conf" -p "$work/ngx" & pids+=($!); ngx_pid=$!
printf 'def echo(message: str) -> str:\n    return message\n' > "$work/tools.py"
start_kaos "$py1_port" --runtime python-string --params-file "$work/tools.py"; py1_pid=$started
MCP_PYTHON_WORKERS=2 start_kaos "$py2_port" --runtime python-string --params-file "$work/tools.py"; py2_pid=$started
CPUS=0,1 MCP_PYTHON_WORKERS=2 start_kaos "$py2u_port" --runtime python-string --params-file "$work/tools.py"; py2u_pid=$started
ready() {  # ready PORT LOG: wait for /health, show the server's log if it never answers
  wait_http "http://127.0.0.1:$1/health" || { echo "server on :$1 not ready; its log:" >&2; cat "$2" >&2; return 1; }
}
ready "$kaos_port" "$work/kaos-$kaos_port.log"; ready "$ts_port" "$work/ts.log"; ready "$ngx_port" "$work/ngx/error.log"
ready "$py1_port" "$work/kaos-$py1_port.log"; ready "$py2_port" "$work/kaos-$py2_port.log"; ready "$py2u_port" "$work/kaos-$py2u_port.log"

# --- MCP session set-up with curl (the call scenario reuses one session per server) ---------------
H=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
mcp_session() {  # mcp_session PORT → session id (initialize, then notifications/initialized)
  local sid
  sid=$(curl -fs -D - -o /dev/null "${H[@]}" \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
    "http://127.0.0.1:$1/mcp" | grep -i '^mcp-session-id:' | cut -d' ' -f2 | tr -d '\r')
  [[ -n "$sid" ]] || { echo "no Mcp-Session-Id from :$1" >&2; return 1; }
  curl -fs -o /dev/null "${H[@]}" -H "Mcp-Session-Id: $sid" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "http://127.0.0.1:$1/mcp"
  echo "$sid"
}
kaos_sid=$(mcp_session "$kaos_port"); ts_sid=$(mcp_session "$ts_port"); ngx_sid=$(mcp_session "$ngx_port")
py1_sid=$(mcp_session "$py1_port"); py2_sid=$(mcp_session "$py2_port"); py2u_sid=$(mcp_session "$py2u_port")

calls() {  # calls CPU CONNS PORT SID [wrk duration] → "calls/s p50_us p99_us"
  local cpu=$1 conns=$2 port=$3 sid=$4 d=${5:-$duration}
  MCP_SESSION_ID=$sid taskset -c "$cpu" wrk -t1 -c"$conns" -d"$d" --timeout 10s --latency -s "$here/call.lua" "http://127.0.0.1:$port/mcp" | parse_wrk
}
measure_calls() {  # measure_calls PID CONNS PORT SID → "calls/s p50 p99 cpu_us_per_call" (wrk on CPU0)
  local pid=$1 t0 t1 out rps p50 p99
  t0=$(cpu_ticks_tree "$pid")
  out=$(calls 0 "$2" "$3" "$4") || return 1
  read -r rps p50 p99 <<<"$out"
  t1=$(cpu_ticks_tree "$pid")
  echo "$rps $p50 $p99 $(calc "round(($t1-$t0)/$ticks_per_s*1e6/($rps*$secs),1)")"
}
cycle_conns=${MCP_CYCLE_CONNS:-16}
cycles() {  # cycles PID PORT → "cycles/s requests/s p50 p99 cpu_us_per_cycle" (client on CPU0)
  local pid=$1 port=$2 t0 t1 out
  t0=$(cpu_ticks_tree "$pid")
  out=$(taskset -c 0 "$bin/kaos-bench-mcp-cycle" --port "$port" --connections "$cycle_conns" --seconds "$secs") || return 1
  t1=$(cpu_ticks_tree "$pid")
  local cps rps; cps=$(get cycles_per_s <<<"$out"); rps=$(get requests_per_s <<<"$out")
  echo "$cps $rps $(get req_p50_us <<<"$out") $(get req_p99_us <<<"$out") $(calc "round(($t1-$t0)/$ticks_per_s*1e6/($(get cycles <<<"$out")),1)")"
}

echo "# bench/mcp — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "## tools/call echo on a reused session, c=1, wrk and server both on CPU1"
echo
calls 0 8 "$kaos_port" "$kaos_sid" 1s >/dev/null  # warm-up (node's JIT needs more)
calls 0 8 "$ts_port" "$ts_sid" 5s >/dev/null
calls 0 8 "$ngx_port" "$ngx_sid" 1s >/dev/null
r=$(calls 1 1 "$kaos_port" "$kaos_sid"); read -r k_rps k_p50 k_p99 <<<"$r"
r=$(calls 1 1 "$ts_port" "$ts_sid"); read -r t_rps t_p50 t_p99 <<<"$r"
r=$(calls 1 1 "$ngx_port" "$ngx_sid"); read -r n_rps n_p50 n_p99 <<<"$r"
row "server" "calls/s" "p50 µs" "p99 µs"
row "---" "---" "---" "---"
row "nginx canned answer (HTTP floor)" "$n_rps" "$n_p50" "$n_p99"
row "**kaos mcp** (everything, 1 thread) — target p50 ≤ 60 µs" "$k_rps" "**$k_p50**" "$k_p99"
row "TypeScript MCP SDK $(node -p "require('$ts_sdk/package.json').version") (node $(node --version))" "$t_rps" "$t_p50" "$t_p99"
row "kaos above the HTTP floor" "" "$(calc "round($k_p50-$n_p50,1)")" "$(calc "round($k_p99-$n_p99,1)")"
echo

echo "## tools/call echo on a reused session, c=64: server on CPU1, wrk on CPU0"
echo
r=$(measure_calls "$ngx_pid" 64 "$ngx_port" "$ngx_sid"); read -r n_rps n_p50 n_p99 n_cpu <<<"$r"
r=$(measure_calls "$kaos_pid" 64 "$kaos_port" "$kaos_sid"); read -r k_rps k_p50 k_p99 k_cpu <<<"$r"
native_rps=$k_rps
r=$(measure_calls "$ts_pid" 64 "$ts_port" "$ts_sid"); read -r t_rps t_p50 t_p99 t_cpu <<<"$r"
row "server" "calls/s" "p50 / p99 µs" "CPU µs per call (server)"
row "---" "---" "---" "---"
row "nginx canned answer (HTTP floor, 1 worker)" "$n_rps" "$n_p50 / $n_p99" "$n_cpu"
row "**kaos mcp** (everything, 1 thread) — target ≥ 25k calls/s" "**$k_rps**" "$k_p50 / $k_p99" "$k_cpu"
row "TypeScript MCP SDK (stateful, JSON responses)" "$t_rps" "$t_p50 / $t_p99" "$t_cpu"
row "**kaos / TypeScript SDK**" "$(calc "round($k_rps/$t_rps,2)")" "" "$(calc "round($k_cpu/$t_cpu,2)")"
row "kaos / nginx floor" "$(calc "round($k_rps/$n_rps,2)")" "" "$(calc "round($k_cpu/$n_cpu,2)")"
echo

echo "## Full session cycle (initialize → notifications/initialized → tools/call → DELETE), $cycle_conns connections each walking its own cycles (kaos-bench-mcp-cycle on CPU0, server on CPU1)"
echo
r=$(cycles "$ngx_pid" "$ngx_port"); read -r n_cps n_rps n_p50 n_p99 n_cpu <<<"$r"
r=$(cycles "$kaos_pid" "$kaos_port"); read -r k_cps k_rps k_p50 k_p99 k_cpu <<<"$r"
r=$(cycles "$ts_pid" "$ts_port"); read -r t_cps t_rps t_p50 t_p99 t_cpu <<<"$r"
row "server" "cycles/s" "requests/s" "request p50 / p99 µs" "CPU µs per cycle (server)"
row "---" "---" "---" "---" "---"
row "nginx canned answers (HTTP floor: no sessions)" "$n_cps" "$n_rps" "$n_p50 / $n_p99" "$n_cpu"
row "**kaos mcp** (everything, 1 thread) — target ≥ 5k cycles/s" "**$k_cps**" "$k_rps" "$k_p50 / $k_p99" "$k_cpu"
row "TypeScript MCP SDK (a transport + McpServer per session)" "$t_cps" "$t_rps" "$t_p50 / $t_p99" "$t_cpu"
row "**kaos / TypeScript SDK**" "$(calc "round($k_cps/$t_cps,2)")" "" "" "$(calc "round($k_cpu/$t_cpu,2)")"
echo

echo "## python-string runtime: tools/call of a Python echo (pinned rows: kaos and its workers on CPU1, wrk on CPU0)"
echo
export MCP_EXPECT='"text":"hello"'  # the Python echo returns the message itself
calls 0 8 "$py1_port" "$py1_sid" 1s >/dev/null  # warm-up
calls 0 8 "$py2_port" "$py2_sid" 1s >/dev/null
calls 0 8 "$py2u_port" "$py2u_sid" 1s >/dev/null
r=$(measure_calls "$py1_pid" 64 "$py1_port" "$py1_sid"); read -r a_rps a_p50 a_p99 a_cpu <<<"$r"
r=$(measure_calls "$py2_pid" 64 "$py2_port" "$py2_sid"); read -r b_rps b_p50 b_p99 b_cpu <<<"$r"
r=$(measure_calls "$py2u_pid" 64 "$py2u_port" "$py2u_sid"); read -r u_rps u_p50 u_p99 u_cpu <<<"$r"
r=$(calls 1 1 "$py1_port" "$py1_sid"); read -r a1_rps a1_p50 a1_p99 <<<"$r"
r=$(calls 1 1 "$py2_port" "$py2_sid"); read -r b1_rps b1_p50 b1_p99 <<<"$r"
unset MCP_EXPECT
row "server" "calls/s, c=64 (wrk on CPU0)" "p50 / p99 µs, c=64" "CPU µs per call (kaos + workers)" "c=1 on CPU1: calls/s, p50 / p99 µs"
row "---" "---" "---" "---" "---"
row "kaos mcp python-string, 1 worker" "**$a_rps**" "$a_p50 / $a_p99" "$a_cpu" "$a1_rps, $a1_p50 / $a1_p99"
row "kaos mcp python-string, MCP_PYTHON_WORKERS=2" "**$b_rps**" "$b_p50 / $b_p99" "$b_cpu" "$b1_rps, $b1_p50 / $b1_p99"
row "kaos mcp python-string, MCP_PYTHON_WORKERS=2, unpinned (kaos + workers on both CPUs, beside wrk)" "$u_rps" "$u_p50 / $u_p99" "$u_cpu" "–"
row "native echo, for scale (c=64, same run, above)" "$native_rps" "" "" ""
echo

echo "## Footprint: resident memory (MB)"
echo
# Stop the load-test servers first: the footprint servers get a quiet machine and fresh processes.
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=()
cs_port=$(free_port)
coldstart() { taskset -c 1 "$bin/kaos-bench-coldstart" --port "$cs_port" --path /health -- "$@" | tail -1; }
k=$(coldstart "$kaos" mcp --runtime everything --host 127.0.0.1 --port "$cs_port" --threads 1)
t=$(coldstart node "$here/ts_echo_server.mjs" "$cs_port")
sed -i "s/listen 127.0.0.1:$ngx_port/listen 127.0.0.1:$cs_port/" "$work/ngx/nginx.conf"
n=$(coldstart nginx -c "$work/ngx/nginx.conf" -p "$work/ngx")
ms() { sed 's/.*coldstart_ms_median=\([^ ]*\).*/\1/' <<<"$1"; }
mb() { sed 's/.*rss_kib_median=\([^ ]*\).*/\1/' <<<"$1" | awk '{printf "%.1f", $1/1024}'; }
status_mb() {  # status_mb PID → "VmRSS / RssAnon / RssFile" in MB (process and children summed)
  local p; for p in "$1" $(pgrep -P "$1"); do cat "/proc/$p/status"; done |
    awk '/^VmRSS:/{r+=$2} /^RssAnon:/{a+=$2} /^RssFile:/{f+=$2} END{printf "%.1f / %.1f / %.1f", r/1024, a/1024, f/1024}'
}
after_load() {  # after_load PID PORT → "idle | after 1000 calls | after 1000 more session cycles"
  # wrk stops after MCP_MAX_CALLS but always lasts its -d (10 s); the cycle tool stops at 1000
  # cycles or 10 s. A server that does not get through a count in time gets the count it reached.
  local pid=$1 port=$2 sid idle c1 c2 out n
  idle=$(status_mb "$pid")
  sid=$(mcp_session "$port") || return 1
  out=$(MCP_SESSION_ID=$sid MCP_MAX_CALLS=1000 taskset -c 0 wrk -t1 -c4 -d10s --timeout 10s --latency -s "$here/call.lua" "http://127.0.0.1:$port/mcp")
  parse_wrk <<<"$out" >/dev/null || return 1
  n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
  c1=$(status_mb "$pid")$( ((n >= 1000)) || echo " (only $n calls in 10 s)")
  out=$(taskset -c 0 "$bin/kaos-bench-mcp-cycle" --port "$port" --connections 4 --max-cycles 1000 --seconds 10) || return 1
  n=$(get cycles <<<"$out")
  c2=$(status_mb "$pid")$( ((n >= 1000)) || echo " (only $n cycles in 10 s)")
  echo "$idle|$c1|$c2"
}
fp_port=$(free_port)
taskset -c 1 "$kaos" mcp --runtime everything --host 127.0.0.1 --port "$fp_port" --threads 1 >"$work/fp-kaos.log" 2>&1 & pids+=($!); fp_pid=$!
wait_http "http://127.0.0.1:$fp_port/health"
r=$(after_load "$fp_pid" "$fp_port"); IFS='|' read -r k_idle k_c1 k_c2 <<<"$r"
fp2_port=$(free_port)
taskset -c 1 node "$here/ts_echo_server.mjs" "$fp2_port" >"$work/fp-ts.log" 2>&1 & pids+=($!); fp2_pid=$!
wait_http "http://127.0.0.1:$fp2_port/health"
r=$(after_load "$fp2_pid" "$fp2_port"); IFS='|' read -r t_idle t_c1 t_c2 <<<"$r"
row "server" "cold start to first /health 200 (ms, median of 5)" "idle RSS at first 200 (median of 5)" "VmRSS / RssAnon / RssFile idle" "… after 1000 calls" "… after 1000 more session cycles"
row "---" "---" "---" "---" "---" "---"
row "**kaos mcp** (everything) — target idle ≤ 6 MB" "$(ms "$k")" "**$(mb "$k")**" "$k_idle" "$k_c1" "$k_c2"
row "TypeScript MCP SDK (node)" "$(ms "$t")" "$(mb "$t")" "$t_idle" "$t_c1" "$t_c2"
row "nginx (master + 1 worker)" "$(ms "$n")" "$(mb "$n")" "" "" ""
