#include "api/agent.hpp"

#include <gtest/gtest.h>

#include "api/test_support.hpp"

namespace kaos::api {
namespace {

using testing::agent_yaml;
using testing::errors;
using testing::load_yaml;

const Agent& only_agent(const ManifestSet& set) {
  EXPECT_EQ(set.entries.size(), 1u);
  EXPECT_TRUE(set.entries[0].resource.has_value())
      << (set.entries[0].diagnostics.items().empty() ? "" : set.entries[0].diagnostics.items()[0].to_string());
  return std::get<Agent>(*set.entries[0].resource);
}
// The Agent lives in the set: a temporary set would leave the reference dangling (ASan found one).
const Agent& only_agent(ManifestSet&&) = delete;

TEST(Agent, ParsesEveryField) {
  auto set = load_yaml(agent_yaml(R"(  mcpServers: [tools, search]
  agentNetwork: {expose: false, access: [peer]}
  config:
    description: d
    instructions: i
    systemPrompt: s
    reasoningLoopMaxSteps: 7
    toolCallMode: native
    memory:
      enabled: true
      type: remote
      memoryStore: mem
      maxReadScope: user
      clientParams: {tokenBudget: 100, rollingSummary: false}
      tools: all
      failureMode: strict
    telemetry: {enabled: true, endpoint: "http://otel:4317"}
    autonomous: {goal: watch, intervalSeconds: 10, maxIterRuntimeSeconds: 30}
    taskConfig: {maxIterations: 3, maxRuntimeSeconds: 60, maxToolCalls: 9}
  waitForDependencies: false
  gatewayRoute: {timeout: 30s}
  container:
    image: img
    command: [run]
    args: [--x]
    resources: {limits: {cpu: 500m, memory: 1Gi}}
    env:
      - {name: A, value: "1"}
      - name: B
        valueFrom: {secretKeyRef: {name: s, key: k}}
    securityContext: {runAsNonRoot: true, capabilities: {drop: [ALL]}}
    workingDir: /w
    volumeMounts:
      - {name: cache, mountPath: /cache, readOnly: true, subPath: a, subPathExpr: x, mountPropagation: None, recursiveReadOnly: Disabled}
  podSpec: {nodeSelector: {disk: ssd}}
  harness:
    runtime: pi
    workspace: {repoURL: "https://git/x", branch: dev, credentialsSecretRef: {name: g, key: token}}
)"));
  const Agent& a = only_agent(set);
  EXPECT_EQ(a.metadata.name, "a");
  EXPECT_EQ(a.metadata.namespace_, "default");
  EXPECT_EQ(a.spec.model_api, "llm");
  EXPECT_EQ(a.spec.mcp_servers, (std::vector<std::string>{"tools", "search"}));
  EXPECT_EQ(a.spec.agent_network->expose, false);
  const auto& c = *a.spec.config;
  EXPECT_EQ(c.reasoning_loop_max_steps, 7);
  EXPECT_EQ(c.tool_call_mode, ToolCallMode::Native);
  EXPECT_EQ(c.memory->type, MemoryType::Remote);
  EXPECT_EQ(c.memory->max_read_scope, MemoryReadScope::User);
  EXPECT_EQ(c.memory->client_params->token_budget, 100);
  EXPECT_EQ(c.memory->tools, MemoryTools::All);
  EXPECT_EQ(c.memory->failure_mode, FailureMode::Strict);
  EXPECT_EQ(c.autonomous->max_iter_runtime_seconds, 30);
  EXPECT_EQ(c.task_config->max_tool_calls, 9);
  EXPECT_EQ(a.spec.wait_for_dependencies, false);
  EXPECT_EQ(a.spec.gateway_route->timeout, "30s");
  EXPECT_EQ(a.spec.container->env.size(), 2u);
  EXPECT_EQ(a.spec.container->env[1].value_from->secret_key_ref->key, "k");
  EXPECT_EQ(a.spec.container->working_dir, "/w");
  EXPECT_EQ(a.spec.container->security_context->at("runAsNonRoot"), true);
  ASSERT_EQ(a.spec.container->volume_mounts.size(), 1u);
  EXPECT_EQ(a.spec.container->volume_mounts[0].mount_path, "/cache");
  EXPECT_EQ(a.spec.container->volume_mounts[0].read_only, true);
  EXPECT_EQ(a.spec.container->volume_mounts[0].recursive_read_only, "Disabled");
  EXPECT_TRUE(a.spec.pod_spec->contains("nodeSelector"));
  EXPECT_EQ(a.spec.harness->workspace->branch, "dev");
  EXPECT_TRUE(is_autonomous(a.spec));
}

TEST(Agent, AppliesCrdDefaults) {
  auto set = load_yaml(agent_yaml("  agentNetwork: {}\n  config: {memory: {}, autonomous: {}, taskConfig: {}}\n"));
  const Agent& a = only_agent(set);
  EXPECT_EQ(a.spec.wait_for_dependencies, true);
  EXPECT_EQ(a.spec.agent_network->expose, true);
  EXPECT_EQ(a.spec.config->reasoning_loop_max_steps, 5);
  EXPECT_EQ(a.spec.config->tool_call_mode, ToolCallMode::Auto);
  EXPECT_EQ(a.spec.config->memory->enabled, true);
  // KAOS's CRD has no defaults here: the runtime's (0, 60, 300, 50, 10) apply.
  EXPECT_FALSE(a.spec.config->autonomous->interval_seconds.has_value());
  EXPECT_FALSE(a.spec.config->autonomous->max_iter_runtime_seconds.has_value());
  EXPECT_FALSE(a.spec.config->task_config->max_runtime_seconds.has_value());
  EXPECT_FALSE(a.spec.config->task_config->max_tool_calls.has_value());
  EXPECT_FALSE(a.spec.config->task_config->max_iterations.has_value());
  EXPECT_FALSE(is_autonomous(a.spec));
  EXPECT_EQ(effective_memory_type(*a.spec.config->memory), MemoryType::Local);
}

TEST(Agent, NoConfigMeansNoConfigDefaults) {
  auto set = load_yaml(agent_yaml(""));
  const Agent& a = only_agent(set);
  EXPECT_FALSE(a.spec.config.has_value());
  EXPECT_EQ(a.spec.wait_for_dependencies, true);
}

TEST(Agent, RoundTripsThroughJson) {
  auto set = load_yaml(agent_yaml("  config: {memory: {memoryStore: m, tools: read}}\n  podSpec: {x: 1}\n"));
  const Agent& a = only_agent(set);
  auto again = load_manifests({{"x.json", kaos::to_json(to_json(a))}});
  ASSERT_FALSE(again.has_errors());
  EXPECT_EQ(kaos::to_json(to_json(std::get<Agent>(*again.entries[0].resource))), kaos::to_json(to_json(a)));
}

TEST(Agent, RequiredFields) {
  auto set = load_yaml("apiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata: {name: a}\nspec: {}\n");
  EXPECT_EQ(errors(set),
            (std::vector<std::string>{"Agent/a: spec.modelAPI: required", "Agent/a: spec.model: required"}));
  set = load_yaml("apiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata: {name: a}\n");
  EXPECT_EQ(errors(set), std::vector<std::string>{"Agent/a: spec: required"});
  set = load_yaml(agent_yaml("  harness: {}\n"));
  EXPECT_EQ(errors(set), std::vector<std::string>{"Agent/a: spec.harness.runtime: required"});
  set = load_yaml(agent_yaml("  harness: {runtime: pi, workspace: {branch: dev}}\n"));
  EXPECT_EQ(errors(set), std::vector<std::string>{"Agent/a: spec.harness.workspace.repoURL: required"});
}

TEST(Agent, Bounds) {
  auto msgs = errors(load_yaml(agent_yaml(
      "  config:\n    reasoningLoopMaxSteps: 50\n    autonomous: {intervalSeconds: 3601, maxIterRuntimeSeconds: -1}\n"
      "    taskConfig: {maxIterations: 1001, maxRuntimeSeconds: 86401, maxToolCalls: 10001}\n"
      "    memory: {clientParams: {tokenBudget: -1}}\n")));
  std::vector<std::string> expected{
      "Agent/a: spec.config.reasoningLoopMaxSteps: must be between 1 and 20, got 50",
      "Agent/a: spec.config.autonomous.intervalSeconds: must be between 0 and 3600, got 3601",
      "Agent/a: spec.config.autonomous.maxIterRuntimeSeconds: must be between 0 and 86400, got -1",
      "Agent/a: spec.config.taskConfig.maxIterations: must be between 0 and 1000, got 1001",
      "Agent/a: spec.config.taskConfig.maxRuntimeSeconds: must be between 0 and 86400, got 86401",
      "Agent/a: spec.config.taskConfig.maxToolCalls: must be between 0 and 10000, got 10001",
      "Agent/a: spec.config.memory.clientParams.tokenBudget: must be >= 0, got -1"};
  EXPECT_EQ(msgs, expected);
}

TEST(Agent, Warnings) {
  auto set = load_yaml(agent_yaml("  config:\n    telemetry: {enabled: true}\n    autonomous: {goal: \"  \"}\n"));
  auto f = testing::findings(set);
  ASSERT_EQ(f.size(), 3u);  // two warnings + the ModelAPI note
  EXPECT_EQ(f[0],
            "test.yaml:1: Agent/a: warning: spec.config.telemetry.endpoint: telemetry is enabled but no endpoint is "
            "set; telemetry stays off");
  EXPECT_EQ(f[1],
            "test.yaml:1: Agent/a: warning: spec.config.autonomous.goal: autonomous is set but goal is empty; the "
            "agent will not run autonomously");
  EXPECT_FALSE(set.has_errors());
}

TEST(Agent, ContainerChecks) {
  auto msgs =
      errors(load_yaml(agent_yaml("  container:\n    resources: {limits: {cpu: lots}}\n    env: [{value: x}, {name: B, "
                                  "valueFrom: {secretKeyRef: {name: s}}}]\n")));
  std::vector<std::string> expected{"Agent/a: spec.container.env[0].name: required",
                                    "Agent/a: spec.container.env[1].valueFrom.secretKeyRef.key: required"};
  EXPECT_EQ(msgs, expected);
  msgs = errors(load_yaml(agent_yaml("  container:\n    resources: {limits: {cpu: lots}}\n")));
  EXPECT_EQ(msgs, std::vector<std::string>{"Agent/a: spec.container.resources.limits.cpu: invalid quantity \"lots\""});
}

}  // namespace
}  // namespace kaos::api
