#!/usr/bin/env bash
# Checks the image scripts/build-image.sh made, by running its entrypoint with
# `buildah run --isolation chroot` (no daemon; podman and docker cannot run containers here):
#   1. `kaos version` answers, as the non-root user the image declares;
#   2. a python-string MCP server runs inside it (the embedded Python and its standard library,
#      the sandboxed worker) and the host's `kaos mcp-call` calls its tool;
#   3. `kaos operator` inside it reconciles the quickstart against the stand-in API server on the
#      host (tests/k8s): its Deployments appear and /readyz answers.
# usage: scripts/test-image.sh BUILD_DIR [IMAGE_REF]
set -euo pipefail

build=$(cd "${1:?usage: test-image.sh BUILD_DIR [IMAGE_REF]}" && pwd)
ref=${2:-localhost/kaos:dev}
export BUILDAH_ISOLATION=chroot

fail() {
  echo "test-image: FAIL: $*" >&2
  exit 1
}

ctr=$(buildah from --quiet "$ref")
server_pid=
operator_pid=
standin_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n $operator_pid ]] && kill "$operator_pid" 2>/dev/null && wait "$operator_pid" 2>/dev/null
  [[ -n $standin_pid ]] && kill "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null
  buildah rm "$ctr" >/dev/null 2>&1 || true
}
trap cleanup EXIT

[[ $(buildah inspect --format '{{.OCIv1.Config.User}}' "$ref") == 65532:65532 ]] || fail "the image does not run as 65532"
version=$(buildah run "$ctr" -- /usr/local/bin/kaos version)
[[ $version == "kaos "* ]] || fail "kaos version printed: $version"
echo "test-image: $version"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tools='def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b'
buildah run --env MCP_TOOLS_STRING="$tools" "$ctr" -- /usr/local/bin/kaos mcp --runtime python-string \
  --host 127.0.0.1 --port "$port" >"$build/image/test-mcp.log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + 30))
until answer=$("$build/bin/kaos" mcp-call "http://127.0.0.1:$port/mcp" add --args '{"a": 2, "b": 40}' 2>/dev/null); do
  ((SECONDS < deadline)) || fail "the MCP server in the image did not answer within 30 s (log: $build/image/test-mcp.log)"
  kill -0 "$server_pid" 2>/dev/null || fail "the MCP server in the image exited (log: $build/image/test-mcp.log)"
  sleep 0.2
done
[[ $answer == *42* ]] || fail "add(2, 40) answered: $answer"
echo "test-image: python-string tool inside the image answered $answer"
# The server inside runs as the image's user, not root.
uid=$(ps -o uid= -p "$(pgrep -f "^/usr/local/bin/kaos mcp --runtime python-string --host 127.0.0.1 --port $port" | head -1)" | tr -d ' ')
[[ $uid == 65532 ]] || fail "the server in the image runs as uid $uid, not 65532"
echo "test-image: ok (runs as uid 65532)"

# 3. The operator from the image against the stand-in API server on the host.
src=$(cd "$(dirname "$0")/.." && pwd)
kube="$build/image/test-kube"
rm -rf "$kube" && mkdir -p "$kube" && chmod 755 "$kube"
/usr/bin/python3 "$src/tests/k8s/standin.py" --port 0 --print-port --crds "$src/deploy/crds" \
  --kubeconfig "$kube/config" >"$kube/standin.out" 2>"$kube/standin.err" &
standin_pid=$!
deadline=$((SECONDS + 30))
until grep -q '^PORT ' "$kube/standin.out" 2>/dev/null; do
  ((SECONDS < deadline)) || fail "the stand-in API server did not start ($kube/standin.err)"
  sleep 0.1
done
chmod 644 "$kube/config"
# Play the Deployment controller: every Deployment becomes ready, so the Agent's dependencies do.
curl -sf -X POST "http://127.0.0.1:$(awk '/^PORT /{print $2}' "$kube/standin.out")/_standin/auto-ready" \
  -d '{"enabled": true}' >/dev/null || fail "the stand-in's control surface did not answer"
probe=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
buildah run -v "$kube:/kube:ro" "$ctr" -- /usr/local/bin/kaos operator --kubeconfig /kube/config \
  --health-probe-bind-address "127.0.0.1:$probe" --metrics-bind-address 0 >"$build/image/test-operator.log" 2>&1 &
operator_pid=$!
KUBECONFIG="$kube/config" kubectl apply -f "$src/examples/quickstart" >/dev/null
deadline=$((SECONDS + 30))
until [[ $(KUBECONFIG="$kube/config" kubectl get deployments -o name 2>/dev/null | wc -l) -ge 3 ]] &&
  curl -sf "http://127.0.0.1:$probe/readyz" >/dev/null; do
  ((SECONDS < deadline)) || fail "the operator in the image did not reconcile the quickstart (log: $build/image/test-operator.log)"
  kill -0 "$operator_pid" 2>/dev/null || fail "the operator in the image exited (log: $build/image/test-operator.log)"
  sleep 0.2
done
echo "test-image: the operator inside the image created $(KUBECONFIG="$kube/config" kubectl get deployments -o name | tr '\n' ' ')"
