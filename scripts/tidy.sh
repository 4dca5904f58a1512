#!/usr/bin/env bash
# make tidy: clang-tidy with the checks of .clang-tidy over src/ (or the files given), from the
# build's compile database. Long on two cores (every translation unit parses Asio); run it
# before resolving an issue, not in `make test`.
# Usage: scripts/tidy.sh [BUILD_DIR] [FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
db=$build/tidy
mkdir -p "$db"
# clang cannot read GCC's precompiled headers: drop the PCH include from each command (the
# header only gathers standard and Boost headers every file includes itself anyway).
python3 - "$build/compile_commands.json" "$db/compile_commands.json" <<'PY'
import json, re, sys
src, dst = sys.argv[1], sys.argv[2]
entries = json.load(open(src))
for e in entries:
    cmd = e["command"]
    cmd = re.sub(r"\s-include\s+\S*cmake_pch\.hxx", "", cmd)
    cmd = re.sub(r"\s-Winvalid-pch", "", cmd)
    cmd += " -Wno-unknown-warning-option"
    e["command"] = cmd
json.dump([e for e in entries if "/src/" in e["file"] and not e["file"].endswith(".hxx.cxx")], open(dst, "w"))
PY
jobs=${TIDY_JOBS:-2}
if (($#)); then
  files=("$@")
else
  mapfile -t files < <(python3 -c 'import json,sys; print("\n".join(sorted(e["file"] for e in json.load(open(sys.argv[1])))))' "$db/compile_commands.json")
fi
echo "tidy: ${#files[@]} translation unit(s), $jobs at a time"
printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 1 clang-tidy -p "$db" --quiet 2> "$db/stderr.log" | tee "$db/findings.log" | grep -E 'warning:|error:' || true
n=$(grep -cE '(warning|error): .*\[' "$db/findings.log" || true)
if [[ $n != 0 ]]; then
  echo "tidy: $n finding(s); see $db/findings.log"
  exit 1
fi
echo "tidy: clean"
