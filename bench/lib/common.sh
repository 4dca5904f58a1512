# Shell helpers shared by bench/*/run.sh (sourced; the caller sets -euo pipefail).
# parse_wrk.py beside this file turns wrk --latency output into "req/s p50_us p99_us".
bench_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ticks_per_s=$(getconf CLK_TCK)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # wait_http URL: until it answers (bounded, 10 s)
  for _ in $(seq 1 1000); do curl -fs -o /dev/null "$1" && return 0; sleep 0.01; done
  echo "not ready: $1" >&2; return 1
}
pin() { taskset -a -p -c "$1" "$2" >/dev/null; }  # pin every thread of a pid
# Pin a process and its children (nginx's workers, the python-string runtime's workers).
pin_tree() { local cpu=$1 root=$2; pin "$cpu" "$root"; for c in $(pgrep -P "$root"); do pin "$cpu" "$c"; done; }
worker_of() { pgrep -P "$1" | head -1; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }  # utime+stime in clock ticks
cpu_ticks_tree() {  # utime+stime of a process and all its live descendants
  local t c; t=$(cpu_ticks "$1")
  for c in $(pgrep -P "$1"); do t=$((t + $(cpu_ticks_tree "$c"))); done
  echo "$t"
}
parse_wrk() { python3 "$bench_lib/parse_wrk.py"; }
row() { printf '|'; printf ' %s |' "$@"; echo; }
