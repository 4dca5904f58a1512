// Agents' environment, ordering, determinism, namespaces, fingerprints and cycles.
#include <algorithm>
#include <random>

#include "plan/plan_test_support.hpp"

namespace kaos::plan {
namespace {

using testing::cluster_addressing;
using ::testing::ElementsAre;
using testing::env_lines;
using testing::get;
using testing::parse;

const char* kTypicalSet = R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec:
  mode: Proxy
  proxyConfig:
    models: ["openai/*"]
    apiKey: {valueFrom: {secretKeyRef: {name: openai, key: api-key}}}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: tools}
spec:
  runtime: python-string
  params: |
    def echo(text: str) -> str:
        return text
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: coordinator}
spec:
  modelAPI: llm
  model: openai/gpt-4o
  mcpServers: [tools]
  agentNetwork:
    access: [research-worker, ghost]
  config:
    description: Coordinates
    instructions: Delegate research.
    reasoningLoopMaxSteps: 3
  container:
    env:
    - {name: DEBUG_MOCK_RESPONSES, value: '["hi"]'}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: research-worker}
spec:
  modelAPI: llm
  model: openai/gpt-4o-mini
)";

TEST(PlanAgent, TypicalSetExactEnv) {
  Plan p = plan_resources(parse(kTypicalSet), cluster_addressing());
  const auto& c = get(p, "agent/default/coordinator");
  EXPECT_EQ(c.role, "agent");
  EXPECT_THAT(c.command, ElementsAre("kaos", "agent", "--host", "0.0.0.0", "--port", "8000"));
  // Sorted by name; the unknown peer "ghost" is skipped silently, as KAOS does. TOOL_CALL_MODE
  // is the CRD default the loader applied to spec.config, as the API server would for KAOS.
  EXPECT_THAT(
      env_lines(c),
      ElementsAre("AGENTIC_LOOP_MAX_STEPS=3", "AGENT_DESCRIPTION=Coordinates",
                  "AGENT_IDENTITY=kaos://agent/default/coordinator", "AGENT_INSTRUCTIONS=Delegate research.",
                  "AGENT_NAME=coordinator", "AGENT_PORT=8000", "DEBUG_MOCK_RESPONSES=[\"hi\"]", "LOG_LEVEL=INFO",
                  "MCP_SERVERS=tools", "MCP_SERVER_tools_URL=http://mcpserver-tools.default.svc.cluster.local:8000",
                  "MODEL_API_URL=http://modelapi-llm.default.svc.cluster.local:8000", "MODEL_NAME=openai/gpt-4o",
                  "PEER_AGENTS=research-worker",
                  "PEER_AGENT_RESEARCH_WORKER_CARD_URL=http://agent-research-worker.default.svc.cluster.local:8000",
                  "TOOL_CALL_MODE=auto"));
  EXPECT_FALSE(c.failure);
  EXPECT_FALSE(c.waiting);
  EXPECT_TRUE(c.wait_for_dependencies);
  ASSERT_EQ(c.dependencies.size(), 2u);  // ModelAPI and MCPServer, never peers
  EXPECT_EQ(c.dependencies[0].id(), "modelapi/default/llm");
  EXPECT_EQ(c.dependencies[1].id(), "mcpserver/default/tools");
  EXPECT_EQ(c.liveness, (ProbePlan{ProbePlan::Type::http, "/health", 5, 10, 3, 3}));
  EXPECT_EQ(c.readiness, (ProbePlan{ProbePlan::Type::http, "/ready", 3, 5, 3, 2}));

  const auto& w = get(p, "agent/default/research-worker");
  EXPECT_THAT(env_lines(w), ElementsAre("AGENT_IDENTITY=kaos://agent/default/research-worker",
                                        "AGENT_NAME=research-worker", "AGENT_PORT=8000", "LOG_LEVEL=INFO",
                                        "MODEL_API_URL=http://modelapi-llm.default.svc.cluster.local:8000",
                                        "MODEL_NAME=openai/gpt-4o-mini"));
}

TEST(PlanAgent, OrderIsKindThenNamespaceThenName) {
  Plan p = plan_resources(parse(kTypicalSet), cluster_addressing());
  std::vector<std::string> ids;
  for (const auto& w : p.workloads) ids.push_back(w.ref.id());
  EXPECT_THAT(ids, ElementsAre("modelapi/default/llm", "mcpserver/default/tools", "agent/default/coordinator",
                               "agent/default/research-worker"));
  EXPECT_TRUE(dependency_cycles(p).empty());
}

TEST(PlanAgent, ShuffledInputGivesTheSamePlan) {
  auto resources = parse(kTypicalSet);
  Plan first = plan_resources(resources, cluster_addressing());
  std::mt19937 rng(7);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(resources.begin(), resources.end(), rng);
    Plan again = plan_resources(resources, cluster_addressing());
    ASSERT_EQ(again.workloads.size(), first.workloads.size());
    for (std::size_t k = 0; k < first.workloads.size(); ++k) {
      EXPECT_EQ(again.workloads[k].ref, first.workloads[k].ref);
      EXPECT_EQ(again.workloads[k].env, first.workloads[k].env);
      EXPECT_EQ(again.workloads[k].command, first.workloads[k].command);
      EXPECT_EQ(again.workloads[k].fingerprint, first.workloads[k].fingerprint);
    }
  }
}

TEST(PlanAgent, UserEnvWinsExceptThePort) {
  auto yaml = std::string(kTypicalSet) + R"(
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: custom}
spec:
  modelAPI: llm
  model: openai/gpt-4o
  container:
    env:
    - {name: MODEL_NAME, value: openai/other}
    - {name: LOG_LEVEL, value: DEBUG}
    - {name: AGENT_PORT, value: "9999"}
    - {name: EXTRA, valueFrom: {secretKeyRef: {name: s, key: k}}}
)";
  PlanOptions opts;
  opts.bind_host = "127.0.0.1";
  Plan p = plan_resources(parse(yaml), cluster_addressing({{"agent/default/custom", 41000}}), opts);
  const auto& w = get(p, "agent/default/custom");
  EXPECT_THAT(w.command, ElementsAre("kaos", "agent", "--host", "127.0.0.1", "--port", "41000"));
  EXPECT_THAT(env_lines(w), ElementsAre("AGENT_IDENTITY=kaos://agent/default/custom", "AGENT_NAME=custom",
                                        "AGENT_PORT=41000", "EXTRA<-secret:s/k", "LOG_LEVEL=DEBUG",
                                        "MODEL_API_URL=http://modelapi-llm.default.svc.cluster.local:8000",
                                        "MODEL_NAME=openai/other"));
}

TEST(PlanAgent, OptionalSettingsOnlyWhenSet) {
  auto yaml = std::string(kTypicalSet) + R"(
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: auto}
spec:
  modelAPI: llm
  model: openai/gpt-4o
  waitForDependencies: false
  config:
    systemPrompt: Be brief.
    toolCallMode: string
    memory: {enabled: false}
    autonomous: {goal: Watch the queue, intervalSeconds: 30}
    taskConfig: {maxIterations: 4, maxToolCalls: 9}
    telemetry: {enabled: true, endpoint: "http://otel:4317"}
)";
  Plan p = plan_resources(parse(yaml), cluster_addressing());
  const auto& w = get(p, "agent/default/auto");
  EXPECT_FALSE(w.wait_for_dependencies);
  // AGENTIC_LOOP_MAX_STEPS=5 is a CRD default of the object that is present (config); the
  // task budgets have none (the runtime's apply). Memory always gives MEMORY_ENABLED,
  // MEMORY_TYPE and MEMORY_MAX_READ_SCOPE; no agent network, no MCP, no peers.
  EXPECT_THAT(
      env_lines(w),
      ElementsAre(
          "AGENTIC_LOOP_MAX_STEPS=5", "AGENT_IDENTITY=kaos://agent/default/auto", "AGENT_NAME=auto", "AGENT_PORT=8000",
          "AGENT_SYSTEM_PROMPT=Be brief.", "AUTONOMOUS_GOAL=Watch the queue", "AUTONOMOUS_INTERVAL_SECONDS=30",
          "LOG_LEVEL=INFO", "MEMORY_ENABLED=false", "MEMORY_MAX_READ_SCOPE=session", "MEMORY_TYPE=local",
          "MODEL_API_URL=http://modelapi-llm.default.svc.cluster.local:8000", "MODEL_NAME=openai/gpt-4o",
          "OTEL_EXPORTER_OTLP_ENDPOINT=http://otel:4317", "OTEL_PYTHON_FASTAPI_EXCLUDED_URLS=/health,/ready",
          "OTEL_RESOURCE_ATTRIBUTES=service.namespace=default,kaos.resource.name=auto", "OTEL_SDK_DISABLED=false",
          "OTEL_SERVICE_NAME=auto", "TASK_MAX_ITERATIONS=4", "TASK_MAX_TOOL_CALLS=9", "TOOL_CALL_MODE=string"));
}

TEST(PlanAgent, UnsupportedModelFailsWithKaosMessage) {
  auto yaml = std::string(kTypicalSet) + R"(
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: wrong}
spec: {modelAPI: llm, model: anthropic/claude}
)";
  Plan p = plan_resources(parse(yaml), cluster_addressing());
  const auto& w = get(p, "agent/default/wrong");
  ASSERT_TRUE(w.failure);
  EXPECT_EQ(*w.failure, "model \"anthropic/claude\" not supported by ModelAPI \"llm\" (supported: [openai/*])");
  EXPECT_FALSE(w.waiting);
}

TEST(PlanAgent, MissingDependenciesWait) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec: {modelAPI: nowhere, model: m, mcpServers: [missing]}
---
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: b}
spec: {modelAPI: llm, model: m, mcpServers: [missing]}
)"),
                          cluster_addressing());
  EXPECT_EQ(get(p, "agent/default/a").waiting, "ModelAPI nowhere not found");
  const auto& b = get(p, "agent/default/b");
  EXPECT_EQ(b.waiting, "MCPServer missing not found");
  EXPECT_FALSE(b.failure);
  ASSERT_EQ(b.dependencies.size(), 1u);  // only what is in the set
}

TEST(PlanAgent, HarnessAgentNeedsACluster) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: coder}
spec: {modelAPI: llm, model: m, harness: {runtime: pi}}
)"),
                          cluster_addressing());
  const auto& w = get(p, "agent/default/coder");
  ASSERT_TRUE(w.failure);
  EXPECT_NE(w.failure->find("harness agents need a cluster"), std::string::npos);
  EXPECT_NE(w.failure->find("\"pi\""), std::string::npos);
}

TEST(PlanAgent, NamespacesDoNotMix) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm, namespace: team-a}
spec: {mode: Proxy, proxyConfig: {models: ["a-model"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: bot, namespace: team-a}
spec: {modelAPI: llm, model: a-model, agentNetwork: {access: [peer]}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: peer, namespace: team-b}
spec: {modelAPI: llm, model: a-model}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: bot, namespace: team-b}
spec: {modelAPI: llm, model: a-model, mcpServers: [tools]}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: tools, namespace: team-a}
spec: {runtime: python-string}
)"),
                          cluster_addressing());
  const auto& a = get(p, "agent/team-a/bot");
  EXPECT_FALSE(a.waiting);
  // The peer lives in team-b: not visible from team-a.
  for (const auto& e : a.env) EXPECT_NE(e.name, "PEER_AGENTS");
  const auto& b = get(p, "agent/team-b/bot");
  EXPECT_EQ(b.waiting, "ModelAPI llm not found");  // team-a's llm does not count
  EXPECT_TRUE(b.dependencies.empty());
  EXPECT_NE(a.fingerprint, b.fingerprint);
}

TEST(PlanAgent, UnexposedPeersAreSkipped) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec: {modelAPI: llm, model: m, agentNetwork: {access: [hidden, b.v2]}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: hidden}
spec: {modelAPI: llm, model: m, agentNetwork: {expose: false}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: b.v2}
spec: {modelAPI: llm, model: m}
)"),
                          cluster_addressing());
  auto lines = env_lines(get(p, "agent/default/a"));
  EXPECT_NE(std::find(lines.begin(), lines.end(), "PEER_AGENTS=b.v2"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "PEER_AGENT_B_V2_CARD_URL=http://agent-b.v2.default.svc.cluster.local:8000"),
            lines.end());
}

TEST(PlanFingerprint, StableAndIsolated) {
  auto base = parse(kTypicalSet);
  Plan p1 = plan_resources(base, cluster_addressing());
  Plan p2 = plan_resources(parse(kTypicalSet), cluster_addressing());
  for (std::size_t i = 0; i < p1.workloads.size(); ++i) {
    EXPECT_EQ(p1.workloads[i].fingerprint, p2.workloads[i].fingerprint);
    EXPECT_EQ(p1.workloads[i].fingerprint.size(), 16u);
  }

  // New tool code: only the MCPServer restarts; the agent's env does not mention params.
  std::string changed = kTypicalSet;
  changed.replace(changed.find("return text"), 11, "return text.upper()");
  Plan p3 = plan_resources(parse(changed), cluster_addressing());
  for (std::size_t i = 0; i < p1.workloads.size(); ++i) {
    bool is_mcp = p1.workloads[i].ref.kind == "MCPServer";
    EXPECT_EQ(p1.workloads[i].fingerprint != p3.workloads[i].fingerprint, is_mcp) << p1.workloads[i].ref.id();
  }

  // A renamed MCP server changes the env of the agent that uses it, not of the other agent.
  std::string renamed = kTypicalSet;
  renamed.replace(renamed.find("name: tools"), 11, "name: tools2");
  renamed.replace(renamed.find("[tools]"), 7, "[tools2]");
  Plan p4 = plan_resources(parse(renamed), cluster_addressing());
  EXPECT_NE(get(p1, "agent/default/coordinator").fingerprint, get(p4, "agent/default/coordinator").fingerprint);
  EXPECT_EQ(get(p1, "agent/default/research-worker").fingerprint, get(p4, "agent/default/research-worker").fingerprint);
  EXPECT_EQ(get(p1, "modelapi/default/llm").fingerprint, get(p4, "modelapi/default/llm").fingerprint);
}

TEST(PlanCycles, DetectsHandMadeCycles) {
  Plan p;
  auto add = [&](std::string name, std::vector<std::string> deps) {
    Workload w;
    w.ref = {"Agent", "ns", std::move(name)};
    for (auto& d : deps) w.dependencies.push_back({"Agent", "ns", std::move(d)});
    p.workloads.push_back(std::move(w));
  };
  add("a", {"b"});
  add("b", {"c"});
  add("c", {"a"});
  add("d", {"a"});        // depends on the cycle, is not part of it
  add("e", {"missing"});  // not in the plan: no cycle
  EXPECT_THAT(dependency_cycles(p), ElementsAre("agent/ns/a", "agent/ns/b", "agent/ns/c"));
}

}  // namespace
}  // namespace kaos::plan
