#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of the project on Debian 12.
# Idempotent: packages already present are skipped, npm installs from the lockfile.
# Works as root or through sudo.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)

if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi

APT_PACKAGES=(
  # toolchain
  build-essential g++ cmake ninja-build ccache pkg-config git
  clang-format clang-tidy             # make check (format), make tidy
  clang libclang-rt-14-dev             # make fuzz, make test-asan (libFuzzer, ASan, UBSan runtimes)
  # libraries (DESIGN.md §11)
  libboost1.81-dev libssl-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  libpython3.11-dev pybind11-dev      # embedded Python of the python-string MCP worker
  libhiredis-dev                      # RESP framing of the Redis client (agent memory)
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev openssl curl ca-certificates
  python3 wrk nginx-light util-linux procps redis-server
  python3-kubernetes                  # tests/k8s: a real Kubernetes client against the stand-in API server
  chromium                            # tests/conformance/browser: a real browser against the servers
  buildah                             # make image: the OCI image, daemonless
)
# Node.js may come from elsewhere (NodeSource's nodejs ships npm and conflicts with Debian's
# npm package): only ask Debian for what is missing.
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages present"
fi

# nginx is a benchmark baseline only, started by bench/ with its own config: the distro's
# default site that the package starts on install is stopped again.
if [[ " ${missing[*]:-} " == *" nginx-light "* ]]; then
  "${SUDO[@]}" service nginx stop >/dev/null 2>&1 || true
fi
# redis-server likewise: tests start their own instances on free ports.
if [[ " ${missing[*]:-} " == *" redis-server "* ]]; then
  "${SUDO[@]}" service redis-server stop >/dev/null 2>&1 || true
fi

# Node-based conformance suites (official SDK clients, a CEL implementation), each folder of
# tests/conformance/ pinned by its own lockfile.
for lock in "$here"/tests/conformance/*/package-lock.json; do
  [[ -f $lock ]] || continue
  dir=$(dirname "$lock")
  stamp="$dir/node_modules/.lock-hash"
  hash=$(sha256sum "$lock" | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$hash" ]]; then
    echo "install-deps: npm ci in tests/conformance/$(basename "$dir")"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$hash" > "$stamp"
  fi
done
