#!/usr/bin/env bash
# Fails (exit 1) when any tracked C++ file is not clean under .clang-format, listing each one
# and the command that fixes it. Part of `make check` (and so of `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
# One clang-format process for the whole tree: it reports each offending line as
# "FILE:LINE:COL: error: code should be clang-formatted".
mapfile -t dirty < <(clang-format --dry-run -Werror "${files[@]}" 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)
if ((${#dirty[@]})); then
  printf 'not clean under .clang-format: %s\n' "${dirty[@]}"
  echo "format: ${#dirty[@]} of ${#files[@]} file(s) to fix: clang-format -i <file>"
  exit 1
fi
echo "format: ${#files[@]} files clean"
