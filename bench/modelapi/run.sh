#!/usr/bin/env bash
# bench/modelapi: the ModelAPI gateway against baselines measured in the same run.
#   upstream  = nginx returning a canned chat completion (fast, so the hop is what we see)
#   baseline  = direct to upstream, and nginx proxy_pass doing the same hop
#   streaming = `kaos modelapi` mock provider as a paced SSE upstream
# Pinning (DESIGN.md §10): the proxy under test on CPU1; wrk and upstreams on CPU0, except the
# c=1 latency scenario, where everything shares CPU1 (a cross-core wake-up on a 2-vCPU VM costs
# ~300 µs and would drown the figure; anchors §5.1).
# Usage: bench/modelapi/run.sh KAOS_BINARY     (env: DURATION=8s)
set -euo pipefail
kaos=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
bin=$(dirname "$kaos")
duration=${DURATION:-8s}
work=$(mktemp -d /tmp/kaos-bench-modelapi.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# free_port, wait_http, pin, pin_tree, worker_of, cpu_ticks, ticks_per_s, parse_wrk
source "$here/../lib/common.sh"

up_port=$(free_port); gw_port=$(free_port); px_port=$(free_port)
sse_up_port=$(free_port); sse_gw_port=$(free_port)

# --- upstream: nginx returning a canned completion --------------------------------------
body=$(cat "$here/upstream.json")
mkdir -p "$work/up" "$work/px"
cat > "$work/up/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $work/up/nginx.pid; error_log $work/up/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  client_body_temp_path $work/up; proxy_temp_path $work/up; fastcgi_temp_path $work/up; uwsgi_temp_path $work/up; scgi_temp_path $work/up;
  server { listen 127.0.0.1:$up_port; location / { default_type application/json; return 200 '$body'; } } }
NGX
nginx -c "$work/up/nginx.conf" -p "$work/up" & pids+=($!); up_pid=$!

# --- baseline proxy: nginx proxy_pass with a keep-alive upstream pool ----------------------
cat > "$work/px/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $work/px/nginx.pid; error_log $work/px/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  client_body_temp_path $work/px; proxy_temp_path $work/px; fastcgi_temp_path $work/px; uwsgi_temp_path $work/px; scgi_temp_path $work/px;
  upstream up { server 127.0.0.1:$up_port; keepalive 128; keepalive_requests 1000000; }
  server { listen 127.0.0.1:$px_port;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering on; } } }
NGX
nginx -c "$work/px/nginx.conf" -p "$work/px" & pids+=($!); px_pid=$!

# --- the gateway under test -----------------------------------------------------------------
cat > "$work/gw.yaml" <<YAML
model_list:
  - model_name: bench-model
    litellm_params:
      model: openai/bench-model
      api_base: http://127.0.0.1:$up_port/v1
      api_key: bench-key
YAML
LOG_LEVEL=WARNING "$kaos" modelapi --config "$work/gw.yaml" --port "$gw_port" --host 127.0.0.1 --threads 1 >/dev/null & pids+=($!); gw_pid=$!

wait_http "http://127.0.0.1:$up_port/"; wait_http "http://127.0.0.1:$px_port/"; wait_http "http://127.0.0.1:$gw_port/health"
# nginx forks its worker: pin_tree pins the worker as well.

run_wrk() {  # run_wrk CPU CONNS URL → "rps p50_us p99_us"
  local out
  out=$(taskset -c "$1" wrk -t1 -c"$2" -d"$duration" --latency -s "$here/chat.lua" "$3/v1/chat/completions")
  echo "$out" | parse_wrk
}

row() { printf '| %s | %s | %s | %s |\n' "$@"; }

echo "# bench/modelapi — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(uname -r)"
echo
echo "## Non-streaming chat, c=1, everything on CPU1 (added latency = via proxy − direct)"
echo
for p in "$up_pid" "$px_pid" "$gw_pid"; do pin_tree 1 "$p"; done
for u in "$up_port" "$gw_port" "$px_port"; do taskset -c 1 wrk -t1 -c1 -d1s -s "$here/chat.lua" "http://127.0.0.1:$u/v1/chat/completions" >/dev/null; done
read -r d_rps d_p50 d_p99 <<<"$(run_wrk 1 1 "http://127.0.0.1:$up_port")"
read -r g_rps g_p50 g_p99 <<<"$(run_wrk 1 1 "http://127.0.0.1:$gw_port")"
read -r n_rps n_p50 n_p99 <<<"$(run_wrk 1 1 "http://127.0.0.1:$px_port")"
row "path" "req/s" "p50 µs" "p99 µs"
row "---" "---" "---" "---"
row "direct to upstream (baseline)" "$d_rps" "$d_p50" "$d_p99"
row "kaos modelapi" "$g_rps" "$g_p50" "$g_p99"
row "nginx proxy_pass" "$n_rps" "$n_p50" "$n_p99"
row "**added by kaos modelapi**" "" "$(python3 -c "print(round($g_p50-$d_p50,1))")" "$(python3 -c "print(round($g_p99-$d_p99,1))")"
row "added by nginx proxy_pass" "" "$(python3 -c "print(round($n_p50-$d_p50,1))")" "$(python3 -c "print(round($n_p99-$d_p99,1))")"
echo

echo "## Non-streaming chat, c=64: proxy on CPU1, wrk + upstream on CPU0"
echo
pin_tree 0 "$up_pid"; pin_tree 1 "$px_pid"; pin_tree 1 "$gw_pid"
measure() {  # measure PID URL → "rps p50 p99 cpu_us_per_req"
  local pid=$1 url=$2 t0 t1 rps p50 p99
  t0=$(cpu_ticks "$pid")
  read -r rps p50 p99 <<<"$(run_wrk 0 64 "$url")"
  t1=$(cpu_ticks "$pid")
  local secs=${duration%s}
  echo "$rps $p50 $p99 $(python3 -c "print(round(($t1-$t0)/$ticks_per_s*1e6/($rps*$secs),1))")"
}
read -r d_rps d_p50 d_p99 <<<"$(run_wrk 0 64 "http://127.0.0.1:$up_port")"
read -r g_rps g_p50 g_p99 g_cpu <<<"$(measure "$gw_pid" "http://127.0.0.1:$gw_port")"
read -r n_rps n_p50 n_p99 n_cpu <<<"$(measure "$(worker_of "$px_pid")" "http://127.0.0.1:$px_port")"
row "path" "req/s" "p50 / p99 µs" "CPU µs per request (proxy process)"
row "---" "---" "---" "---"
row "direct to upstream (upstream ceiling, CPU0)" "$d_rps" "$d_p50 / $d_p99" "–"
row "kaos modelapi (1 thread)" "$g_rps" "$g_p50 / $g_p99" "$g_cpu"
row "nginx proxy_pass (1 worker)" "$n_rps" "$n_p50 / $n_p99" "$n_cpu"
row "**kaos / nginx**" "$(python3 -c "print(round($g_rps/$n_rps,2))")" "" "$(python3 -c "print(round($g_cpu/$n_cpu,2))")"
echo

echo "## Streaming: kaos modelapi in front of a paced mock upstream"
echo
cat > "$work/sse-up.yaml" <<YAML
model_list:
  - model_name: paced-model
    litellm_params: {model: mock/paced-model, mock_chunk_delay_ms: 20, mock_chunks: 64}
  - model_name: fast-model
    litellm_params: {model: mock/fast-model, mock_chunks: 16}
YAML
LOG_LEVEL=WARNING taskset -c 0 "$kaos" modelapi --config "$work/sse-up.yaml" --port "$sse_up_port" --host 127.0.0.1 --threads 1 >/dev/null & pids+=($!); sse_up_pid=$!
cat > "$work/sse-gw.yaml" <<YAML
model_list:
  - model_name: paced-model
    litellm_params: {model: openai/paced-model, api_base: "http://127.0.0.1:$sse_up_port/v1", api_key: k}
  - model_name: fast-model
    litellm_params: {model: openai/fast-model, api_base: "http://127.0.0.1:$sse_up_port/v1", api_key: k}
YAML
LOG_LEVEL=WARNING taskset -c 1 "$kaos" modelapi --config "$work/sse-gw.yaml" --port "$sse_gw_port" --host 127.0.0.1 --threads 1 >/dev/null & pids+=($!); sse_gw_pid=$!
wait_http "http://127.0.0.1:$sse_up_port/health"; wait_http "http://127.0.0.1:$sse_gw_port/health"
sse() { local cpu=$1; shift; taskset -c "$cpu" "$bin/kaos-bench-sse" "$@" | tr ' ' '\n'; }
get() { grep "^$1=" | cut -d= -f2; }
# Time to first chunk at c=1: client, gateway and upstream share CPU1 (same reason as above).
pin_tree 1 "$sse_up_pid"
sse 1 --port "$sse_up_port" --model fast-model --streams 50 >/dev/null  # warm-up
sse 1 --port "$sse_gw_port" --model fast-model --streams 50 >/dev/null
direct=$(sse 1 --port "$sse_up_port" --model fast-model --streams 1000 --concurrency 1)
via=$(sse 1 --port "$sse_gw_port" --model fast-model --streams 1000 --concurrency 1)
pin_tree 0 "$sse_up_pid"
row "path (c=1 on CPU1, 1000 sequential streams)" "time to first chunk p50 µs" "p99 µs" "failed"
row "---" "---" "---" "---"
row "direct to mock upstream (baseline)" "$(get ttfc_p50_us <<<"$direct")" "$(get ttfc_p99_us <<<"$direct")" "$(get streams_failed <<<"$direct")"
row "kaos modelapi" "$(get ttfc_p50_us <<<"$via")" "$(get ttfc_p99_us <<<"$via")" "$(get streams_failed <<<"$via")"
row "**added**" "$(python3 -c "print($(get ttfc_p50_us <<<"$via")-$(get ttfc_p50_us <<<"$direct"))")" "$(python3 -c "print($(get ttfc_p99_us <<<"$via")-$(get ttfc_p99_us <<<"$direct"))")" ""
echo
direct=$(sse 0 --port "$sse_up_port" --model paced-model --streams 512 --concurrency 512 --expect-chunks 64 --stall-ms 100)
via=$(sse 0 --port "$sse_gw_port" --model paced-model --streams 512 --concurrency 512 --expect-chunks 64 --stall-ms 100)
row "512 concurrent streams × 64 chunks @ 20 ms" "streams ok / failed / short" "chunk gap p50 / p99 / max ms" "stalls (gap > 100 ms)"
row "---" "---" "---" "---"
for name in direct via; do
  v=${!name}
  label=$([[ $name == direct ]] && echo "direct to mock upstream (baseline)" || echo "kaos modelapi")
  row "$label" "$(get streams_ok <<<"$v") / $(get streams_failed <<<"$v") / $(get short_streams <<<"$v")" \
      "$(get gap_p50_ms <<<"$v") / $(get gap_p99_ms <<<"$v") / $(get gap_max_ms <<<"$v")" "$(get stalls <<<"$v")"
done
echo

echo "## Footprint: idle RSS and cold start to first 200 (median of 5)"
echo
cs_port=$(free_port)
cat > "$work/cs.yaml" <<YAML
model_list:
  - model_name: mock-model
    litellm_params: {model: mock/mock-model}
YAML
cat > "$work/cs-nginx.conf" <<NGX
worker_processes 1; daemon off; pid $work/cs-nginx.pid; error_log $work/cs-error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$cs_port; location / { return 200 'ok'; } } }
NGX
k=$(taskset -c 1 "$bin/kaos-bench-coldstart" --port "$cs_port" --path /health/readiness -- "$kaos" modelapi --config "$work/cs.yaml" --port "$cs_port" --host 127.0.0.1 --threads 1 | tail -1)
n=$(taskset -c 1 "$bin/kaos-bench-coldstart" --port "$cs_port" --path / -- nginx -c "$work/cs-nginx.conf" -p "$work" | tail -1)
row "server" "cold start to first 200 (ms)" "idle RSS (MB)" ""
row "---" "---" "---" "---"
row "kaos modelapi" "$(echo "$k" | sed 's/.*coldstart_ms_median=\([^ ]*\).*/\1/')" "$(echo "$k" | sed 's/.*rss_kib_median=\([^ ]*\).*/\1/' | awk '{printf "%.1f", $1/1024}')" ""
row "nginx (master + 1 worker, baseline)" "$(echo "$n" | sed 's/.*coldstart_ms_median=\([^ ]*\).*/\1/')" "$(echo "$n" | sed 's/.*rss_kib_median=\([^ ]*\).*/\1/' | awk '{printf "%.1f", $1/1024}')" ""
