#!/usr/bin/env bash
# Runs the libFuzzer targets (`make fuzz`; fuzz/README.md). Usage:
#   fuzz/run.sh BUILD_DIR [TARGET...]        (default: every target; names without fuzz_)
# Environment: FUZZ_SECONDS (per target, default 60), FUZZ_JOBS (targets at once, default 1).
# Each target starts from its committed seed corpus (fuzz/corpus/NAME, read only) plus the
# inputs earlier runs found (BUILD_DIR/fuzz/corpus/NAME, kept between runs), with its
# dictionary when there is one. A crash, leak, timeout or sanitizer report is saved to
# BUILD_DIR/fuzz/artifacts/NAME/ and fails the run. A summary line per target (executions,
# execs/s, coverage) goes to BUILD_DIR/fuzz/summary.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [TARGET...]}
shift
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
if (($#)); then
  targets=("$@")
else
  targets=()
  for f in "$here"/*_fuzz.cpp; do
    n=$(basename "$f" _fuzz.cpp)
    targets+=("$n")
  done
fi

out="$build/fuzz"
mkdir -p "$out/logs"
summary="$out/summary.txt"
: >"$summary"

run_one() {
  local name=$1 bin="$out/fuzz_$1"
  local corpus="$out/corpus/$name" artifacts="$out/artifacts/$name/" log="$out/logs/$name.log"
  mkdir -p "$corpus" "$artifacts"
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
              -artifact_prefix="$artifacts")
  [[ -f $here/dict/$name.dict ]] && args+=(-dict="$here/dict/$name.dict")
  # The embedded interpreter keeps its objects for the life of the process (interned strings,
  # caches) and libpython is not instrumented: leak checking there reports CPython, not us.
  local asan="${ASAN_OPTIONS:-}"
  [[ $name == python_schema ]] && asan="detect_leaks=0${asan:+:$asan}"
  local rc=0
  ASAN_OPTIONS="$asan" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    "$bin" "${args[@]}" "$corpus" "$here/corpus/$name" >"$log" 2>&1 || rc=$?
  local execs rate cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  local line
  line=$(printf '%-16s %s  seconds=%s execs=%s execs/s=%s cov=%s' "$name" \
    "$([[ $rc == 0 ]] && echo ok || echo "FAILED(rc=$rc)")" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}")
  echo "$line" | tee -a "$summary"
  if [[ $rc != 0 ]]; then
    echo "  log: $log" >&2
    grep -E 'ERROR:|FUZZ_CHECK|runtime error|Test unit written' "$log" | head -5 | sed 's/^/  /' >&2
    return 1
  fi
}

failed=0
if ((jobs <= 1)); then
  for t in "${targets[@]}"; do run_one "$t" || failed=1; done
else
  pids=()
  for t in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do sleep 1; done
    run_one "$t" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
fi
if ((failed)); then
  echo "fuzz: a target failed; reproduce with BUILD_DIR/fuzz/fuzz_NAME ARTIFACT (fuzz/README.md)" >&2
  exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding (summary: $summary)"
