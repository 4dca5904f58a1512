// Nothing of a set is dropped in silence: MemoryStores, AccessGrants and ThirdPartyServices are
// planned (running nothing here, and saying why), and an agent bound to a MemoryStore follows
// KAOS's rules: its first start waits for the store, and MemoryDegraded reports it.
#include "plan/plan_test_support.hpp"

namespace kaos::plan {
namespace {

using testing::cluster_addressing;
using testing::get;
using testing::parse;

constexpr const char* kModelAPI = R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"], apiKey: {value: sk-1}}}
)";

constexpr const char* kStore = R"(
---
apiVersion: kaos.tools/v1alpha1
kind: MemoryStore
metadata: {name: team}
spec:
  storage: {type: local}
  models:
    summarization: {modelAPI: llm, model: m}
    embedding: {modelAPI: llm, model: e}
)";

std::string agent(const std::string& name, const std::string& memory, const std::string& extra = "") {
  return "---\napiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata: {name: " + name +
         "}\nspec:\n  modelAPI: llm\n  model: m\n" + extra + "  config:\n    memory: " + memory + "\n";
}

std::vector<std::string> ids(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& w : p.workloads) out.push_back(w.ref.id());
  return out;
}

TEST(PlanMemoryBinding, EveryKaosKindOfTheSetIsPlannedInKindOrder) {
  Plan p = plan_resources(parse(std::string(kModelAPI) + kStore + agent("a", "{memoryStore: team}") + R"(
---
apiVersion: kaos.tools/v1alpha1
kind: ThirdPartyService
metadata: {name: github}
spec: {clientID: x}
---
apiVersion: kaos.tools/v1alpha1
kind: AccessGrant
metadata: {name: readers}
spec: {subjects: [{kind: User, name: ana}], resources: [{kind: Agent, name: a}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: plain}
)"),
                          cluster_addressing());
  EXPECT_EQ(ids(p), (std::vector<std::string>{"modelapi/default/llm", "memorystore/default/team", "agent/default/a",
                                              "accessgrant/default/readers", "thirdpartyservice/default/github"}));

  const auto& store = get(p, "memorystore/default/team");
  ASSERT_TRUE(store.failure);
  EXPECT_NE(store.failure->find("no local implementation"), std::string::npos) << *store.failure;
  EXPECT_TRUE(store.command.empty());
  EXPECT_EQ(store.port, 0);
  auto implied = store.implied_status();
  ASSERT_TRUE(implied);
  EXPECT_EQ(implied->phase, Phase::Failed);

  const auto& grant = get(p, "accessgrant/default/readers");
  ASSERT_TRUE(grant.failure);
  EXPECT_NE(grant.failure->find("not enforced"), std::string::npos) << *grant.failure;
  const auto& tps = get(p, "thirdpartyservice/default/github");
  ASSERT_TRUE(tps.failure);
  EXPECT_NE(tps.failure->find("no controller"), std::string::npos) << *tps.failure;
}

TEST(PlanMemoryBinding, ABoundStoreIsAStartDependencyWhenTheAgentWaits) {
  Plan p =
      plan_resources(parse(std::string(kModelAPI) + kStore + agent("a", "{memoryStore: team}")), cluster_addressing());
  const auto& a = get(p, "agent/default/a");
  EXPECT_EQ(a.dependencies,
            (std::vector<WorkloadRef>{{"ModelAPI", "default", "llm"}, {"MemoryStore", "default", "team"}}));
  ASSERT_TRUE(a.memory);
  EXPECT_EQ(a.memory->store, "team");
  EXPECT_FALSE(a.waiting);
  EXPECT_FALSE(a.failure);
}

TEST(PlanMemoryBinding, AnAbsentStoreIsWaitedOnOnlyWhenTheAgentWaits) {
  Plan waits = plan_resources(parse(std::string(kModelAPI) + agent("a", "{memoryStore: gone}")), cluster_addressing());
  EXPECT_EQ(get(waits, "agent/default/a").waiting, "MemoryStore gone not found");

  Plan runs = plan_resources(
      parse(std::string(kModelAPI) + agent("a", "{memoryStore: gone}", "  waitForDependencies: false\n")),
      cluster_addressing());
  const auto& a = get(runs, "agent/default/a");
  EXPECT_FALSE(a.waiting);
  EXPECT_EQ(a.dependencies, (std::vector<WorkloadRef>{{"ModelAPI", "default", "llm"}}));
  ASSERT_TRUE(a.memory);
  EXPECT_EQ(a.memory->store, "gone");
}

TEST(PlanMemoryBinding, AMissingModelAPIIsSaidBeforeTheStore) {
  Plan p = plan_resources(parse(agent("a", "{memoryStore: gone}")), cluster_addressing());
  EXPECT_EQ(get(p, "agent/default/a").waiting, "ModelAPI llm not found");
}

TEST(PlanMemoryBinding, LocalMemoryBindsNoStore) {
  Plan p = plan_resources(parse(std::string(kModelAPI) + agent("a", "{type: local}")), cluster_addressing());
  const auto& a = get(p, "agent/default/a");
  ASSERT_TRUE(a.memory);
  EXPECT_EQ(a.memory->store, "");
  EXPECT_EQ(a.dependencies.size(), 1u);
}

TEST(PlanMemoryBinding, UserReadScopeNeedsAUserIdentity) {
  auto set = parse(std::string(kModelAPI) + kStore + agent("a", "{memoryStore: team, maxReadScope: user}"));
  Plan local = plan_resources(set, cluster_addressing());
  const auto& a = get(local, "agent/default/a");
  EXPECT_EQ(a.failure,
            "config.memory.maxReadScope references user scope, but cluster security posture has no user identity");
  auto implied = a.implied_status();
  ASSERT_TRUE(implied);
  EXPECT_EQ(implied->phase, Phase::Failed);
  EXPECT_EQ(implied->reason, kReasonInvalidMemoryReadScope);

  PlanOptions secured;
  secured.user_identity = true;
  // With identity, the store's ceiling decides: unset means agent, and user exceeds it.
  EXPECT_EQ(get(plan_resources(set, cluster_addressing(), secured), "agent/default/a").failure,
            "config.memory.maxReadScope \"user\" exceeds MemoryStore \"team\" maxReadScope \"agent\"");
}

TEST(PlanMemoryBinding, AScopeAboveTheStoresCeilingFails) {
  std::string store = kStore;
  store += "  maxReadScope: session\n";
  Plan p =
      plan_resources(parse(std::string(kModelAPI) + store + agent("a", "{memoryStore: team, maxReadScope: agent}") +
                           agent("b", "{memoryStore: team, maxReadScope: session}")),
                     cluster_addressing());
  EXPECT_EQ(get(p, "agent/default/a").failure,
            "config.memory.maxReadScope \"agent\" exceeds MemoryStore \"team\" maxReadScope \"session\"");
  EXPECT_FALSE(get(p, "agent/default/b").failure);
  EXPECT_EQ(get(p, "agent/default/b").failure_reason, "");
}

TEST(MemoryDegradedCondition, FollowsKaosReasonsAndMessages) {
  Workload none;
  EXPECT_FALSE(memory_degraded_condition(none, std::nullopt));

  Workload local;
  local.memory = Workload::MemoryBinding{""};
  auto healthy = memory_degraded_condition(local, std::nullopt);
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->type, "MemoryDegraded");
  EXPECT_EQ(healthy->status, "False");
  EXPECT_EQ(healthy->reason, "MemoryHealthy");
  EXPECT_EQ(healthy->message, "Memory is healthy");

  Workload bound;
  bound.memory = Workload::MemoryBinding{"team"};
  auto absent = memory_degraded_condition(bound, std::nullopt);
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->status, "True");
  EXPECT_EQ(absent->reason, "MemoryStoreNotReady");
  EXPECT_EQ(absent->message, "MemoryStore team not found");
  for (auto phase : {Phase::Pending, Phase::Waiting, Phase::Failed}) {
    auto c = memory_degraded_condition(bound, phase);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, "True");
    EXPECT_EQ(c->message, "MemoryStore team is not ready");
  }
  auto ready = memory_degraded_condition(bound, Phase::Ready);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, "MemoryHealthy");
  EXPECT_EQ(ready->message, "MemoryStore team is ready");
}

}  // namespace
}  // namespace kaos::plan
