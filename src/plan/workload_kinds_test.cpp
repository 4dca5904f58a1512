// ModelAPI (Proxy → our gateway, Hosted → Ollama) and MCPServer (registry runtimes) planning.
#include "plan/litellm_config.hpp"
#include "plan/plan_test_support.hpp"

namespace kaos::plan {
namespace {

using testing::cluster_addressing;
using ::testing::ElementsAre;
using testing::env_lines;
using testing::get;
using testing::parse;

TEST(PlanModelAPI, ProxyGeneratesKaosConfigAndKeepsSecretReference) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec:
  mode: Proxy
  proxyConfig:
    models: [gpt-4o, "*"]
    provider: openai
    apiBase: https://api.example.com
    apiKey: {valueFrom: {secretKeyRef: {name: openai, key: api-key}}}
  container:
    env: [{name: EXTRA, value: "1"}]
)"),
                          cluster_addressing());
  const auto& w = get(p, "modelapi/default/llm");
  EXPECT_EQ(w.role, "modelapi");
  EXPECT_THAT(w.command, ElementsAre("kaos", "modelapi", "--config", "{files}/config.yaml", "--host", "0.0.0.0",
                                     "--port", "8000"));
  // The renderer's bytes are pinned in plan/litellm_config_test.cpp; here, that
  // the plan hands it the resource's models, provider and references.
  EXPECT_EQ(w.files.at("config.yaml"), plan::render_generated_config({{"gpt-4o", "*"}, "openai", true, true, false}));
  EXPECT_THAT(env_lines(w), ElementsAre("EXTRA=1", "LOG_LEVEL=INFO", "PROXY_API_BASE=https://api.example.com",
                                        "PROXY_API_KEY<-secret:openai/api-key"));
  EXPECT_EQ(w.readiness, (ProbePlan{ProbePlan::Type::http, "/health/liveliness", 15, 5, 5, 3}));
  EXPECT_EQ(w.liveness, (ProbePlan{ProbePlan::Type::http, "/health/liveliness", 30, 10, 5, 3}));
  EXPECT_TRUE(w.dependencies.empty());
  EXPECT_FALSE(w.failure);
}

TEST(PlanModelAPI, TelemetryAddsCallbacksAndOtelEnv) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec:
  mode: Proxy
  proxyConfig: {models: [m], apiKey: {value: sk-1}}
  telemetry: {enabled: true, endpoint: "http://otel:4317"}
)"),
                          cluster_addressing());
  const auto& w = get(p, "modelapi/default/llm");
  EXPECT_NE(w.files.at("config.yaml")
                .find("  drop_params: true\n  success_callback: [\"otel\"]\n"
                      "  failure_callback: [\"otel\"]\n"),
            std::string::npos);
  EXPECT_THAT(env_lines(w),
              ElementsAre("LOG_LEVEL=INFO", "OTEL_EXPORTER=otlp_grpc", "OTEL_EXPORTER_OTLP_ENDPOINT=http://otel:4317",
                          "OTEL_PYTHON_EXCLUDED_URLS=/health", "OTEL_SERVICE_NAME=llm", "PROXY_API_KEY=sk-1"));
}

const char* kConfigYaml = "model_list:\n  - model_name: mock/fast\n    litellm_params: {model: mock/fast}\n";

TEST(PlanModelAPI, ConfigYamlFromStringVerbatimAndChecked) {
  auto resources = parse(std::string(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec:
  mode: Proxy
  proxyConfig:
    models: ["mock/*"]
    configYaml:
      fromString: |
)") + "        model_list:\n        - model_name: mock/fast\n          litellm_params: {model: mock/fast}\n");
  Plan ok = plan_resources(resources, cluster_addressing());
  EXPECT_EQ(get(ok, "modelapi/default/llm").files.at("config.yaml"),
            "model_list:\n- model_name: mock/fast\n  litellm_params: {model: mock/fast}\n");
  EXPECT_FALSE(get(ok, "modelapi/default/llm").failure);

  // The api loader already rejects such a manifest; a set from elsewhere (the cluster) is
  // checked again here, with KAOS's message.
  std::get<api::ModelAPI>(resources[0]).spec.proxy_config->models = {"openai/*"};
  Plan bad = plan_resources(resources, cluster_addressing());
  EXPECT_EQ(get(bad, "modelapi/default/llm").failure,
            "model_name \"mock/fast\" in configYaml not found in models list [openai/*]");
}

TEST(PlanModelAPI, ConfigYamlFromSecret) {
  const std::string modelapi = R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec:
  mode: Proxy
  proxyConfig:
    models: ["*"]
    configYaml: {fromSecretKeyRef: {name: litellm, key: config.yaml}}
)";
  Plan missing = plan_resources(parse(modelapi), cluster_addressing());
  EXPECT_EQ(get(missing, "modelapi/default/llm").waiting,
            "Secret litellm not found (spec.proxyConfig.configYaml.fromSecretKeyRef)");

  // base64 of kConfigYaml, as `kubectl create secret` writes it.
  Plan found = plan_resources(parse(modelapi + R"(
---
apiVersion: v1
kind: Secret
metadata: {name: litellm}
data:
  config.yaml: bW9kZWxfbGlzdDoKICAtIG1vZGVsX25hbWU6IG1vY2svZmFzdAogICAgbGl0ZWxsbV9wYXJhbXM6IHttb2RlbDogbW9jay9mYXN0fQo=
)"),
                              cluster_addressing());
  const auto& w = get(found, "modelapi/default/llm");
  EXPECT_EQ(w.files.at("config.yaml"), kConfigYaml);
  EXPECT_FALSE(w.waiting);
  EXPECT_FALSE(w.failure);

  Plan wrong_key = plan_resources(parse(modelapi + R"(
---
apiVersion: v1
kind: Secret
metadata: {name: litellm}
stringData: {other: x}
)"),
                                  cluster_addressing());
  EXPECT_EQ(get(wrong_key, "modelapi/default/llm").failure,
            "key config.yaml not found in Secret litellm (spec.proxyConfig.configYaml.fromSecretKeyRef)");
}

TEST(PlanModelAPI, HostedRunsOllama) {
  PlanOptions opts;
  opts.bind_host = "127.0.0.1";
  opts.log_level = "DEBUG";
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: local}
spec: {mode: Hosted, hostedConfig: {model: "smollm2:135m"}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec: {modelAPI: local, model: "smollm2:135m"}
)"),
                          cluster_addressing({{"modelapi/default/local", 11434}}), opts);
  const auto& w = get(p, "modelapi/default/local");
  EXPECT_EQ(w.role, "ollama");
  EXPECT_EQ(w.image, "alpine/ollama:latest");
  EXPECT_THAT(w.command, ElementsAre("ollama", "serve"));
  EXPECT_EQ(w.port, 11434);
  EXPECT_THAT(env_lines(w), ElementsAre("OLLAMA_DEBUG=1", "OLLAMA_HOST=127.0.0.1:11434"));
  ASSERT_EQ(w.post_start.size(), 1u);
  EXPECT_THAT(w.post_start[0], ElementsAre("ollama", "pull", "smollm2:135m"));
  EXPECT_EQ(w.readiness.path, "/");
  EXPECT_TRUE(w.files.empty());
  const auto& a = get(p, "agent/default/a");
  EXPECT_FALSE(a.failure);  // the hosted model is the supported one
  EXPECT_NE(std::find(a.env.begin(), a.env.end(),
                      EnvVarPlan{"MODEL_API_URL", "http://modelapi-local.default.svc.cluster.local:11434", {}}),
            a.env.end());
}

TEST(PlanMCPServer, PythonStringRunsOurRole) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: tools}
spec:
  runtime: python-string
  params: "def f() -> str:\n    return 'x'\n"
  container: {env: [{name: LOG_LEVEL, value: WARNING}]}
)"),
                          cluster_addressing({{"mcpserver/default/tools", 40001}}));
  const auto& w = get(p, "mcpserver/default/tools");
  EXPECT_EQ(w.role, "mcp");
  EXPECT_THAT(w.command,
              ElementsAre("kaos", "mcp", "--runtime", "python-string", "--host", "0.0.0.0", "--port", "40001"));
  EXPECT_THAT(env_lines(w), ElementsAre("LOG_LEVEL=WARNING", "MCP_TOOLS_STRING=def f() -> str:\n    return 'x'\n"));
  EXPECT_EQ(w.readiness, (ProbePlan{ProbePlan::Type::http, "/ready", 3, 5, 3, 2}));
  EXPECT_EQ(w.liveness, (ProbePlan{ProbePlan::Type::http, "/health", 5, 10, 3, 3}));
  EXPECT_FALSE(w.failure);
}

TEST(PlanMCPServer, StdioBridgesTheUserCommand) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: fs}
spec:
  runtime: stdio
  container: {command: [npx, -y, "@modelcontextprotocol/server-filesystem"], args: [/data]}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: empty}
spec: {runtime: stdio}
)"),
                          cluster_addressing());
  EXPECT_THAT(get(p, "mcpserver/default/fs").command,
              ElementsAre("kaos", "mcp", "--runtime", "stdio", "--host", "0.0.0.0", "--port", "8000", "--", "npx", "-y",
                          "@modelcontextprotocol/server-filesystem", "/data"));
  const auto& empty = get(p, "mcpserver/default/empty");
  EXPECT_TRUE(empty.command.empty());
  ASSERT_TRUE(empty.failure);
  EXPECT_NE(empty.failure->find("runtime stdio needs spec.container.command"), std::string::npos);
}

TEST(PlanMCPServer, CustomAndImageRuntimesNeedALocalCommand) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: img}
spec: {runtime: custom, container: {image: "me/server:1"}}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: cmd}
spec: {runtime: custom, container: {image: "me/server:1", command: [./server], args: ["--port", "{port}"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: k8s}
spec: {runtime: kubernetes}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: odd}
spec: {runtime: everything}
)"),
                          cluster_addressing({{"mcpserver/default/cmd", 45000}}));
  const auto& img = get(p, "mcpserver/default/img");
  EXPECT_EQ(img.role, "custom");
  EXPECT_TRUE(img.command.empty());
  ASSERT_TRUE(img.failure);
  EXPECT_NE(img.failure->find("runtime custom needs a local command"), std::string::npos);
  EXPECT_NE(img.failure->find("me/server:1"), std::string::npos);

  const auto& cmd = get(p, "mcpserver/default/cmd");
  EXPECT_THAT(cmd.command, ElementsAre("./server", "--port", "45000"));
  EXPECT_EQ(cmd.readiness.type, ProbePlan::Type::tcp);
  EXPECT_FALSE(cmd.failure);

  const auto& k8s = get(p, "mcpserver/default/k8s");
  ASSERT_TRUE(k8s.failure);
  EXPECT_NE(k8s.failure->find("runtime kubernetes runs the container image quay.io/containers/"), std::string::npos);
  EXPECT_EQ(get(p, "mcpserver/default/odd").failure, "unknown runtime: everything (not found in registry)");
}

}  // namespace
}  // namespace kaos::plan
