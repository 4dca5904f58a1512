// The Agent env KAOS's agent controller renders for config.memory (MEMORY_MAX_READ_SCOPE and
// the rest, agent_controller.go @9c12be82) and for harness agents, and the container override
// the plan records for the operator.
#include <algorithm>

#include "plan/plan_test_support.hpp"

namespace kaos::plan {
namespace {

using testing::cluster_addressing;
using ::testing::ElementsAre;
using testing::env_lines;
using testing::get;
using testing::parse;

constexpr const char* kStoreSet = R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: MemoryStore
metadata: {name: mem}
spec:
  storage: {type: local}
  models: {summarization: {modelAPI: llm, model: m}, embedding: {modelAPI: llm, model: e}}
---
apiVersion: kaos.tools/v1alpha1
kind: MemoryStore
metadata: {name: wide}
spec:
  storage: {type: local}
  models: {summarization: {modelAPI: llm, model: m}, embedding: {modelAPI: llm, model: e}}
  maxReadScope: user
)";

// The env lines starting with MEMORY_ of Agent `a` with `memory` as its config.memory.
std::vector<std::string> memory_env(const std::string& memory) {
  Plan p = plan_resources(parse(std::string(kStoreSet) + R"(---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec:
  modelAPI: llm
  model: m
  config:
    memory: )" + memory + "\n"),
                          cluster_addressing());
  std::vector<std::string> out;
  for (auto& l : env_lines(get(p, "agent/default/a")))
    if (l.starts_with("MEMORY_")) out.push_back(l);
  return out;
}

TEST(PlanAgent, MemorySettings) {
  EXPECT_THAT(memory_env("{memoryStore: mem, tools: read, failureMode: strict, clientParams: {tokenBudget: 2048, "
                         "rollingSummary: false}}"),
              ElementsAre("MEMORY_ENABLED=true", "MEMORY_FAILURE_MODE=strict", "MEMORY_MAX_READ_SCOPE=agent",
                          "MEMORY_ROLLING_SUMMARY=false", "MEMORY_SHORT_TERM_TOKEN_BUDGET=2048", "MEMORY_TOOLS=read",
                          "MEMORY_TYPE=remote"));
  // No substrate serves a MemoryStore yet: no endpoint (KAOS sets it only for a Ready store),
  // and no dependency to wait for.
  EXPECT_THAT(memory_env("{}"),
              ElementsAre("MEMORY_ENABLED=true", "MEMORY_MAX_READ_SCOPE=session", "MEMORY_TYPE=local"));
}

struct ScopeCase {
  const char* memory;
  const char* scope;
};
class PlanAgentMaxReadScope : public ::testing::TestWithParam<ScopeCase> {};

// KAOS resolveMaxReadScope: the agent's own, else the bound store's (agent when unset), else
// session (no store, a local memory, or a store that is not there).
TEST_P(PlanAgentMaxReadScope, Resolves) {
  auto env = memory_env(GetParam().memory);
  EXPECT_NE(std::find(env.begin(), env.end(), std::string("MEMORY_MAX_READ_SCOPE=") + GetParam().scope), env.end())
      << GetParam().memory;
  for (const auto& l : env) EXPECT_FALSE(l.starts_with("MEMORY_STORE_ENDPOINT")) << l;
  for (const auto& l : env) EXPECT_FALSE(l.starts_with("MEMORY_SCOPE")) << l;  // KAOS's older name
}

INSTANTIATE_TEST_SUITE_P(Kaos, PlanAgentMaxReadScope,
                         ::testing::Values(ScopeCase{"{}", "session"}, ScopeCase{"{type: local}", "session"},
                                           ScopeCase{"{maxReadScope: session}", "session"},
                                           ScopeCase{"{memoryStore: mem}", "agent"},
                                           ScopeCase{"{memoryStore: wide}", "user"},
                                           ScopeCase{"{memoryStore: wide, maxReadScope: agent}", "agent"},
                                           ScopeCase{"{memoryStore: mem, maxReadScope: user}", "user"},
                                           ScopeCase{"{memoryStore: elsewhere}", "session"},
                                           ScopeCase{"{memoryStore: elsewhere, maxReadScope: agent}", "agent"}));

TEST(PlanAgent, HarnessEnvAndContainerOverrideForTheOperator) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: coder}
spec:
  modelAPI: llm
  model: m
  harness: {runtime: pi, workspace: {repoURL: "https://git.example/x.git"}}
  container:
    securityContext: {runAsNonRoot: true}
    volumeMounts: [{name: cache, mountPath: /cache}]
    workingDir: /workspace
)"),
                          cluster_addressing());
  const auto& w = get(p, "agent/default/coder");
  auto lines = env_lines(w);
  for (const char* expected : {"HARNESS_WORKSPACE=/workspace", "HARNESS_STATE_DIR=/state"})
    EXPECT_NE(std::find(lines.begin(), lines.end(), expected), lines.end()) << expected;
  ASSERT_TRUE(w.container_override);
  EXPECT_EQ(w.container_override->working_dir, "/workspace");
  ASSERT_EQ(w.container_override->volume_mounts.size(), 1u);
  EXPECT_EQ(w.container_override->volume_mounts[0].mount_path, "/cache");
  EXPECT_EQ(w.container_override->security_context->at("runAsNonRoot"), true);
  // Only harness agents get the HARNESS_* env; only a written container is recorded.
  Plan plain = plan_resources(parse(std::string(kStoreSet) + R"(---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec: {modelAPI: llm, model: m}
)"),
                              cluster_addressing());
  const auto& a = get(plain, "agent/default/a");
  for (const auto& l : env_lines(a)) EXPECT_FALSE(l.starts_with("HARNESS_")) << l;
  EXPECT_FALSE(a.container_override);
}

}  // namespace
}  // namespace kaos::plan
