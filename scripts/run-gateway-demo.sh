#!/usr/bin/env bash
# The main job until the local runtime (`kaos up`) lands: the ModelAPI gateway serving the
# built-in deterministic mock model, with a curl line that works against it.
# Usage: scripts/run-gateway-demo.sh [KAOS_BINARY]   (PORT=8000 by default)
set -euo pipefail
kaos=${1:-build/bin/kaos}
port=${PORT:-8000}
config=$(mktemp --suffix=.yaml)
trap 'rm -f "$config"' EXIT
cat > "$config" <<YAML
# A LiteLLM-format config, as KAOS's operator mounts it at /etc/litellm/config.yaml.
model_list:
  - model_name: "mock-model"
    litellm_params:
      model: "mock/mock-model"
litellm_settings:
  drop_params: true
YAML

cat <<MSG
Starting the KAOS ModelAPI gateway on http://127.0.0.1:${port} with the mock model.
In another terminal:

  curl -s http://127.0.0.1:${port}/v1/chat/completions \\
    -H 'Content-Type: application/json' \\
    -d '{"model":"mock-model","messages":[{"role":"user","content":"Hello KAOS"}]}'

Streaming: add "stream": true.  Models: curl -s http://127.0.0.1:${port}/v1/models
Metrics: curl -s http://127.0.0.1:${port}/metrics        Stop with Ctrl-C.

MSG
exec "$kaos" modelapi --config "$config" --port "$port" --host 127.0.0.1
