// Agent config.memory: KAOS's read-scope model (maxReadScope), its CEL rules and messages,
// and the hints for the fields it replaced (KAOS agent CRD @32ac5c20).
#include <gtest/gtest.h>

#include "api/memorystore.hpp"
#include "api/test_support.hpp"

namespace kaos::api {
namespace {

using testing::agent_yaml;
using testing::errors;
using testing::load_yaml;

std::vector<std::string> memory_errors(const std::string& memory) {
  return errors(load_yaml(agent_yaml("  config:\n    memory: " + memory + "\n")));
}

struct MemoryCase {
  const char* memory;
  const char* message;  // empty: valid
};

class AgentMemoryRules : public ::testing::TestWithParam<MemoryCase> {};

TEST_P(AgentMemoryRules, Message) {
  auto msgs = memory_errors(GetParam().memory);
  if (std::string(GetParam().message).empty()) {
    EXPECT_TRUE(msgs.empty()) << msgs[0];
  } else {
    EXPECT_EQ(msgs, std::vector<std::string>{std::string("Agent/a: spec.config.memory: ") + GetParam().message});
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cel, AgentMemoryRules,
    ::testing::Values(MemoryCase{"{type: remote}", "type 'remote' requires memoryStore to be set"},
                      MemoryCase{"{type: remote, memoryStore: m}", ""},
                      // has(), as KAOS writes the rules: an empty name counts as set.
                      MemoryCase{"{type: remote, memoryStore: ''}", ""},
                      MemoryCase{"{type: local, memoryStore: m}", "type 'local' must not set memoryStore"},
                      MemoryCase{"{type: local}", ""},
                      MemoryCase{"{tools: all}", "tools requires memoryStore to be set"},
                      MemoryCase{"{tools: read, memoryStore: m}", ""},
                      MemoryCase{"{maxReadScope: agent}", "non-session maxReadScope requires memoryStore to be set"},
                      MemoryCase{"{maxReadScope: user}", "non-session maxReadScope requires memoryStore to be set"},
                      MemoryCase{"{maxReadScope: session}", ""},
                      MemoryCase{"{maxReadScope: user, memoryStore: m}", ""}));

TEST(AgentMemory, Enums) {
  auto msgs = memory_errors("{type: redis, maxReadScope: group, tools: none, failureMode: loud}");
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  std::vector<std::string> expected{
      "Agent/a: spec.config.memory.type: must be one of \"local\", \"remote\", got \"redis\"",
      "Agent/a: spec.config.memory.maxReadScope: must be one of \"session\", \"agent\", \"user\", got \"group\"",
      "Agent/a: spec.config.memory.tools: must be one of \"all\", \"read\", \"write\", got \"none\"",
      "Agent/a: spec.config.memory.failureMode: must be one of \"soft\", \"strict\", got \"loud\""};
  // NOLINTEND(bugprone-suspicious-missing-comma)
  ASSERT_GE(msgs.size(), expected.size());  // the CEL rules still run and add their own findings
  EXPECT_EQ(std::vector<std::string>(msgs.begin(), msgs.begin() + 4), expected);
}

struct HintCase {
  const char* memory;
  const char* field;
  const char* hint;
};

class AgentMemoryRemovedFields : public ::testing::TestWithParam<HintCase> {};

// Each field KAOS replaced says exactly what to write instead, for the value written.
TEST_P(AgentMemoryRemovedFields, SayWhatToWrite) {
  auto msgs = memory_errors(GetParam().memory);
  EXPECT_EQ(msgs, std::vector<std::string>{std::string("Agent/a: spec.config.memory.") + GetParam().field +
                                           ": unknown field; removed from KAOS: " + GetParam().hint});
}

INSTANTIATE_TEST_SUITE_P(
    Hints, AgentMemoryRemovedFields,
    ::testing::Values(
        HintCase{"{memoryStore: m, defaultReadScope: agent}", "defaultReadScope", "write maxReadScope: agent instead"},
        HintCase{"{memoryStore: m, defaultReadScope: session}", "defaultReadScope",
                 "write maxReadScope: session instead"},
        HintCase{"{memoryStore: m, defaultReadScope: group}", "defaultReadScope",
                 "group is gone: write maxReadScope: agent or user instead (reading a whole store is the "
                 "admin-only store scope)"},
        HintCase{"{memoryStore: m, defaultReadScope: 3}", "defaultReadScope",
                 "use maxReadScope (session, agent or user)"},
        HintCase{"{memoryStore: m, readScopes: [session, user, agent]}", "readScopes",
                 "write maxReadScope: user instead (the widest of readScopes; search_memory reads every level "
                 "up to it)"},
        HintCase{"{memoryStore: m, readScopes: [session, agent, group]}", "readScopes",
                 "write maxReadScope: agent instead (the widest of readScopes; search_memory reads every level "
                 "up to it); group is gone (reading a whole store is the admin-only store scope)"},
        HintCase{"{memoryStore: m, readScopes: [group]}", "readScopes",
                 "group is gone: write maxReadScope: agent or user instead (reading a whole store is the "
                 "admin-only store scope)"},
        HintCase{"{memoryStore: m, readScopes: []}", "readScopes",
                 "use maxReadScope (session, agent or user): the widest scope search_memory reads"},
        HintCase{"{memoryStore: m, scope: private}", "scope",
                 "write maxReadScope: agent instead (private memory is the agent scope)"},
        HintCase{"{memoryStore: m, scope: user}", "scope", "write maxReadScope: user instead"},
        HintCase{"{memoryStore: m, scope: session}", "scope", "write maxReadScope: session instead"},
        HintCase{"{memoryStore: m, scope: shared}", "scope",
                 "shared is gone: write maxReadScope: agent or user instead (reading a whole store is the "
                 "admin-only store scope)"},
        HintCase{"{memoryStore: m, scope: everyone}", "scope", "use maxReadScope (session, agent or user)"}));

TEST(AgentMemory, BothOldFieldsEachGetTheirHint) {
  // KAOS's sample 7-memory-agent.yaml writes scope and the mid-2026 fields together.
  auto msgs = memory_errors("{memoryStore: m, scope: user, defaultReadScope: user, readScopes: [session, agent]}");
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_NE(msgs[0].find("memory.scope: unknown field; removed from KAOS: write maxReadScope: user"),
            std::string::npos);
  EXPECT_NE(msgs[1].find("memory.defaultReadScope: unknown field; removed from KAOS: write maxReadScope: user"),
            std::string::npos);
  EXPECT_NE(msgs[2].find("memory.readScopes: unknown field; removed from KAOS: write maxReadScope: agent"),
            std::string::npos);
}

TEST(AgentMemory, SecuritySpecIsRemovedWithTheIdentityRule) {
  auto msgs = errors(load_yaml(agent_yaml("  security: {id: billing-bot}\n")));
  EXPECT_EQ(msgs, std::vector<std::string>{
                      "Agent/a: spec.security: unknown field; removed from KAOS: remove spec.security: KAOS's "
                      "current CRDs have no SecuritySpec; the agent's identity is kaos://agent/<namespace>/<name> "
                      "(AGENT_IDENTITY), derived from its namespace and name; to keep the identity id "
                      "\"billing-bot\", name the Agent \"billing-bot\""});
  msgs = errors(load_yaml(agent_yaml("  security: {}\n")));
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(msgs[0].ends_with("derived from its namespace and name")) << msgs[0];
}

TEST(AgentMemory, MaxReadScopeResolution) {
  MemoryConfig m;
  MemoryStoreSpec store;
  EXPECT_EQ(resolve_max_read_scope(m, nullptr), MemoryReadScope::Session);  // no store bound
  EXPECT_EQ(resolve_max_read_scope(m, &store), MemoryReadScope::Agent);     // the store's default
  store.max_read_scope = MemoryReadScope::User;
  EXPECT_EQ(resolve_max_read_scope(m, &store), MemoryReadScope::User);
  m.max_read_scope = MemoryReadScope::Session;
  EXPECT_EQ(resolve_max_read_scope(m, &store), MemoryReadScope::Session);  // the agent's own wins
  EXPECT_LT(MemoryReadScope::Session, MemoryReadScope::Agent);
  EXPECT_LT(MemoryReadScope::Agent, MemoryReadScope::User);
}

TEST(AgentHarness, BranchDefaultsToMainOutsideTheCrd) {
  HarnessWorkspace w;
  EXPECT_EQ(effective_branch(w), "main");
  w.branch = "dev";
  EXPECT_EQ(effective_branch(w), "dev");
}

}  // namespace
}  // namespace kaos::api
