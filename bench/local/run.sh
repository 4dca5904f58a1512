#!/usr/bin/env bash
# The local runtime's scenario: time from `kaos up -f examples/quickstart -d` to every resource
# Ready (and from a warm re-up), and the memory of the whole running quickstart (supervisor,
# gateway, MCP server with its Python worker, agent), compared with the agent alone.
# Usage: bench/local/run.sh KAOS_BINARY [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/common.sh"
kaos=${1:?usage: bench/local/run.sh KAOS_BINARY [RUNS]}
runs=${2:-5}
root=$(cd "$here/../.." && pwd)
export KAOS_STATE_DIR=$(mktemp -d)
trap '"$kaos" down >/dev/null 2>&1 || true; rm -rf "$KAOS_STATE_DIR"' EXIT

ms_now() { date +%s%3N; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
tree_rss_kb() {  # RSS of a process and its live descendants
  local t c; t=$(rss_kb "$1")
  for c in $(pgrep -P "$1"); do t=$((t + $(tree_rss_kb "$c"))); done
  echo "$t"
}

cold=()
for _ in $(seq 1 "$runs"); do
  start=$(ms_now)
  "$kaos" up -f "$root/examples/quickstart" -d >/dev/null
  cold+=($(( $(ms_now) - start )))
  "$kaos" down >/dev/null
done

"$kaos" up -f "$root/examples/quickstart" -d >/dev/null
# One chat so every process has served a request (the MCP server has started its worker).
"$kaos" chat assistant 'Please add {"a": 2, "b": 3}' >/dev/null 2>&1
start=$(ms_now)
"$kaos" up -f "$root/examples/quickstart" -d >/dev/null
warm=$(( $(ms_now) - start ))

sup=$(python3 -c "import json,os; print(json.load(open(os.environ['KAOS_STATE_DIR']+'/supervisor.json'))['pid'])")
total=$(tree_rss_kb "$sup")
pid_of() { "$kaos" get "$1" "$2" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; }
agent=$(rss_kb "$(pid_of agent assistant)")
mcp=$(tree_rss_kb "$(pid_of mcpserver calculator)")
gateway=$(rss_kb "$(pid_of modelapi mock-llm)")
supervisor=$(rss_kb "$sup")
procs=$(( $(pgrep -c -P "$sup") + 1 ))

sorted=$(printf '%s\n' "${cold[@]}" | sort -n | tr '\n' ' ')
median=$(printf '%s\n' "${cold[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "## Local runtime (kaos up -f examples/quickstart)"
echo
row "figure" "target" "measured"
row "---" "---" "---"
row "up -d to every resource Ready, cold (median of $runs)" "≤ 2 s" "${median} ms (runs: ${sorted% })"
row "up again with nothing changed" "–" "${warm} ms"
row "RSS of the whole quickstart ($procs processes + python worker)" "–" "$((total / 1024)) MB"
row "  supervisor / gateway / MCP server + worker / agent" "–" "$((supervisor / 1024)) / $((gateway / 1024)) / $((mcp / 1024)) / $((agent / 1024)) MB"
