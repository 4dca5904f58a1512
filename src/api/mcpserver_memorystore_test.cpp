#include <gtest/gtest.h>

#include "api/mcpserver.hpp"
#include "api/memorystore.hpp"
#include "api/test_support.hpp"

namespace kaos::api {
namespace {

using testing::errors;
using testing::load_yaml;

std::string mcp_yaml(const std::string& spec) {
  return "apiVersion: kaos.tools/v1alpha1\nkind: MCPServer\nmetadata: {name: tools}\nspec:\n" + spec;
}

std::string store_yaml(const std::string& spec) {
  return "apiVersion: kaos.tools/v1alpha1\nkind: MemoryStore\nmetadata: {name: mem}\nspec:\n"
         "  models:\n    summarization: {modelAPI: llm, model: s}\n    embedding: {modelAPI: llm, model: e}\n" +
         spec;
}

TEST(MCPServer, ParsesFields) {
  auto set =
      load_yaml(mcp_yaml("  runtime: python-string\n  params: 'def f(): pass'\n  serviceAccountName: sa\n"
                         "  telemetry: {enabled: false}\n  gatewayRoute: {timeout: 10s}\n  container: {image: i}\n"
                         "  podSpec: {}\n"));
  ASSERT_FALSE(set.has_errors());
  const auto& m = std::get<MCPServer>(*set.entries[0].resource);
  EXPECT_EQ(m.spec.runtime, "python-string");
  EXPECT_EQ(m.spec.params, "def f(): pass");
  EXPECT_EQ(m.spec.service_account_name, "sa");
}

TEST(MCPServer, Rules) {
  EXPECT_EQ(errors(load_yaml(mcp_yaml("  params: x\n"))),
            std::vector<std::string>{"MCPServer/tools: spec.runtime: required"});
  EXPECT_EQ(errors(load_yaml(mcp_yaml("  runtime: custom\n"))),
            std::vector<std::string>{"MCPServer/tools: spec: container.image is required when runtime is 'custom'"});
  EXPECT_EQ(errors(load_yaml(mcp_yaml("  runtime: custom\n  container: {args: [x]}\n"))),
            std::vector<std::string>{"MCPServer/tools: spec: container.image is required when runtime is 'custom'"});
  EXPECT_TRUE(errors(load_yaml(mcp_yaml("  runtime: custom\n  container: {image: x}\n"))).empty());
  EXPECT_EQ(
      errors(load_yaml(mcp_yaml("  runtime: slack\n  config: {tools: {}}\n"))),
      std::vector<std::string>{"MCPServer/tools: spec.config: unknown field; removed from KAOS: the legacy format was "
                               "replaced by spec.runtime and spec.params"});
  EXPECT_EQ(errors(load_yaml(mcp_yaml("  runtime: slack\n  security: {id: tools}\n"))),
            std::vector<std::string>{"MCPServer/tools: spec.security: unknown field; removed from KAOS: remove "
                                     "spec.security: KAOS's current CRDs have no SecuritySpec; an MCPServer is "
                                     "identified by its namespace and name"});
}

TEST(MemoryStore, ParsesAndDefaults) {
  auto set =
      load_yaml(store_yaml("  storage: {type: local, local: {persistentVolume: {}}}\n  mediumTerm: {enabled: true}\n"));
  ASSERT_FALSE(set.has_errors()) << errors(set)[0];
  const auto& m = std::get<MemoryStore>(*set.entries[0].resource);
  EXPECT_EQ(m.spec.engine, MemoryEngine::Mem0);
  EXPECT_EQ(m.spec.default_failure_mode, FailureMode::Soft);
  EXPECT_EQ(m.spec.storage.local->provider, LocalStorageProvider::Chroma);
  EXPECT_EQ(m.spec.storage.local->collection, "");  // no CRD default: the service's kaos_memory
  EXPECT_FALSE(m.spec.max_read_scope.has_value());
  EXPECT_EQ(store_max_read_scope(m.spec), MemoryReadScope::Agent);
  EXPECT_EQ(m.spec.storage.local->persistent_volume->size, "5Gi");
  EXPECT_FALSE(m.spec.replicas.has_value());
  EXPECT_EQ(effective_replicas(m.spec), 1);

  set = load_yaml(
      store_yaml("  storage:\n    type: external\n    external: {connectionSecretRef: {name: db, key: dsn}}\n"));
  ASSERT_FALSE(set.has_errors());
  const auto& e = std::get<MemoryStore>(*set.entries[0].resource);
  EXPECT_EQ(e.spec.storage.external->provider, ExternalStorageProvider::Pgvector);
  EXPECT_EQ(e.spec.storage.external->embedding_dims, 1536);
  EXPECT_EQ(effective_replicas(e.spec), 2);
}

TEST(MemoryStore, Rules) {
  EXPECT_EQ(errors(load_yaml(store_yaml("  storage: {type: local}\n  replicas: 2\n"))),
            std::vector<std::string>{"MemoryStore/mem: spec: replicas must be 1 in local storage mode"});
  EXPECT_TRUE(errors(load_yaml(store_yaml("  storage: {type: local}\n  replicas: 1\n"))).empty());
  EXPECT_EQ(errors(load_yaml(store_yaml("  storage: {type: external}\n"))),
            std::vector<std::string>{
                "MemoryStore/mem: spec.storage: storage.external is required when storage.type is external"});
  EXPECT_EQ(errors(load_yaml(store_yaml("  storage: {type: external, external: {}}\n"))),
            std::vector<std::string>{"MemoryStore/mem: spec.storage.external.connectionSecretRef: required"});
  EXPECT_EQ(errors(load_yaml(store_yaml("  storage: {type: cloud}\n  engine: zep\n  replicas: 0\n"))),
            (std::vector<std::string>{
                "MemoryStore/mem: spec.storage.type: must be one of \"local\", \"external\", got \"cloud\"",
                "MemoryStore/mem: spec.engine: must be one of \"mem0\", got \"zep\"",
                "MemoryStore/mem: spec.replicas: must be >= 1, got 0"}));
  EXPECT_EQ(
      errors(load_yaml("apiVersion: kaos.tools/v1alpha1\nkind: MemoryStore\nmetadata: {name: mem}\nspec: {}\n")),
      (std::vector<std::string>{"MemoryStore/mem: spec.storage: required", "MemoryStore/mem: spec.models: required"}));
  EXPECT_EQ(
      errors(load_yaml(store_yaml("  storage: {type: local}\n  longTerm: {scoreThreshold: 1.5}\n"))),
      std::vector<std::string>{"MemoryStore/mem: spec.longTerm.scoreThreshold: must be between 0 and 1, got 1.5"});
}

struct CompactionCase {
  const char* tiers;
  bool valid;
};
class MemoryStoreCompaction : public ::testing::TestWithParam<CompactionCase> {};

TEST_P(MemoryStoreCompaction, Invariant) {
  auto msgs = errors(load_yaml(store_yaml(std::string("  storage: {type: local}\n") + GetParam().tiers)));
  if (GetParam().valid) {
    EXPECT_TRUE(msgs.empty()) << msgs[0];
  } else {
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0],
              "MemoryStore/mem: spec: short-term compaction marks must satisfy 0 < compactionTarget < "
              "compactionTrigger <= tokenBudget (0 or absent marks derive from the token budget)");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cel, MemoryStoreCompaction,
    ::testing::Values(CompactionCase{"", true}, CompactionCase{"  mediumTerm: {enabled: true}\n", true},
                      CompactionCase{"  mediumTerm: {compactionTrigger: 3000, compactionTarget: 1000}\n", true},
                      CompactionCase{"  mediumTerm: {compactionTrigger: 5000}\n", false},
                      CompactionCase{"  mediumTerm: {compactionTrigger: 1000, compactionTarget: 1000}\n", false},
                      CompactionCase{"  mediumTerm: {compactionTrigger: 1000}\n", false},  // target 2048
                      CompactionCase{"  shortTerm: {tokenBudget: 100}\n  mediumTerm: {compactionTarget: 100}\n", false},
                      CompactionCase{"  shortTerm: {tokenBudget: 100}\n  mediumTerm: {compactionTarget: 99}\n", true},
                      CompactionCase{"  shortTerm: {tokenBudget: 1}\n  mediumTerm: {}\n", false},
                      // Unguarded, as KAOS's rule: it holds without mediumTerm too.
                      CompactionCase{"  shortTerm: {tokenBudget: 1}\n", false},
                      CompactionCase{"  shortTerm: {tokenBudget: 2}\n", true},
                      CompactionCase{"  shortTerm: {tokenBudget: 3}\n", true}));

TEST(MemoryStore, CompactionDerivation) {
  json::object spec;
  auto t = effective_compaction(spec);
  EXPECT_EQ(t.budget, 4096);
  EXPECT_EQ(t.trigger, 4096);
  EXPECT_EQ(t.target, 2048);
}

}  // namespace
}  // namespace kaos::api

namespace kaos::api {
namespace {

TEST(MemoryStore, OlderShapeIsRejectedWithAHint) {
  EXPECT_EQ(
      testing::errors(testing::load_yaml(store_yaml("  storage: {type: local}\n  extraction: {concurrency: 2}\n"))),
      std::vector<std::string>{"MemoryStore/mem: spec.extraction: unknown field; removed from KAOS: use "
                               "longTerm.extraction"});
  EXPECT_EQ(testing::errors(testing::load_yaml(store_yaml("  storage: {type: local}\n  defaultReadScope: user\n"))),
            std::vector<std::string>{"MemoryStore/mem: spec.defaultReadScope: unknown field; removed from KAOS: "
                                     "write maxReadScope: user instead"});
  EXPECT_EQ(testing::errors(testing::load_yaml(store_yaml("  storage: {type: local}\n  defaultReadScope: group\n"))),
            std::vector<std::string>{"MemoryStore/mem: spec.defaultReadScope: unknown field; removed from KAOS: "
                                     "group is gone: write maxReadScope: agent or user instead (reading a whole "
                                     "store is the admin-only store scope)"});
}

TEST(MemoryStore, MaxReadScope) {
  auto set = testing::load_yaml(store_yaml("  storage: {type: local}\n  maxReadScope: user\n"));
  ASSERT_FALSE(set.has_errors());
  EXPECT_EQ(std::get<MemoryStore>(*set.entries[0].resource).spec.max_read_scope, MemoryReadScope::User);
  EXPECT_EQ(testing::errors(testing::load_yaml(store_yaml("  storage: {type: local}\n  maxReadScope: group\n"))),
            std::vector<std::string>{"MemoryStore/mem: spec.maxReadScope: must be one of \"session\", \"agent\", "
                                     "\"user\", got \"group\""});
}

// KAOS's compaction rule text (memorystore CRD), character for character.
TEST(MemoryStore, CompactionRuleIsKaosText) {
  const std::string budget =
      "((has(self.shortTerm) && has(self.shortTerm.tokenBudget)) ? self.shortTerm.tokenBudget : 4096)";
  const std::string trigger =
      "((has(self.mediumTerm) && has(self.mediumTerm.compactionTrigger) && self.mediumTerm.compactionTrigger != 0) ? "
      "self.mediumTerm.compactionTrigger : " +
      budget + ")";
  const std::string expected =
      "((has(self.mediumTerm) && has(self.mediumTerm.compactionTarget) && self.mediumTerm.compactionTarget != 0) ? "
      "self.mediumTerm.compactionTarget : (" +
      budget + " / 2 < 1 ? 1 : " + budget + " / 2)) < " + trigger + " && " + trigger + " <= " + budget;
  const auto& rules = memorystore_spec_schema().rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[1].rule, expected);
  EXPECT_TRUE(rules[1].field_path.empty());
}

}  // namespace
}  // namespace kaos::api
