#include "plan/status.hpp"

#include <gtest/gtest.h>

#include "plan/plan_test_support.hpp"

namespace kaos::plan {
namespace {

TEST(Phase, RoundTripsEveryPhaseThroughItsWireSpelling) {
  for (auto p : {Phase::Pending, Phase::Waiting, Phase::Ready, Phase::Failed}) {
    auto back = parse_phase(to_string(p));
    ASSERT_TRUE(back) << to_string(p);
    EXPECT_EQ(*back, p);
  }
  EXPECT_EQ(to_string(Phase::Failed), "Failed");
  EXPECT_EQ(to_string(Phase::Waiting), "Waiting");
}

TEST(Phase, RejectsOtherSpellingsNamingTheValue) {
  for (auto bad : {"ready", "READY", "", "Running"}) {
    auto p = parse_phase(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_NE(p.error().message.find("phase:"), std::string::npos);
    EXPECT_NE(p.error().message.find(std::string("\"") + bad + "\""), std::string::npos);
  }
}

TEST(ImpliedStatus, FailureIsFailedWaitingIsWaitingOtherwiseNone) {
  Plan p = plan_resources(testing::parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: lonely}
spec: {modelAPI: nowhere, model: m}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: odd}
spec: {runtime: everything}
---
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"]}}
)"),
                          testing::cluster_addressing());
  auto waiting = testing::get(p, "agent/default/lonely").implied_status();
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->phase, Phase::Waiting);
  EXPECT_EQ(waiting->message, "ModelAPI nowhere not found");
  EXPECT_EQ(waiting->reason, kReasonDependencyNotFound);
  EXPECT_TRUE(waits_for_good(waiting->phase, waiting->reason));
  EXPECT_FALSE(waiting->ready);
  auto failed = testing::get(p, "mcpserver/default/odd").implied_status();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->phase, Phase::Failed);
  EXPECT_EQ(failed->message, "unknown runtime: everything (not found in registry)");
  EXPECT_FALSE(testing::get(p, "modelapi/default/llm").implied_status());
}

TEST(WaitsForGood, OnlyWaitingOnSomethingAbsentOrFailed) {
  EXPECT_TRUE(waits_for_good(Phase::Waiting, kReasonDependencyNotFound));
  EXPECT_TRUE(waits_for_good(Phase::Waiting, kReasonDependencyFailed));
  EXPECT_FALSE(waits_for_good(Phase::Waiting, kReasonDependencyNotReady));
  EXPECT_FALSE(waits_for_good(Phase::Waiting, ""));
  EXPECT_FALSE(waits_for_good(Phase::Pending, kReasonDependencyFailed));
}

TEST(WorkloadKinds, AreThePlannedKindsInStartOrder) {
  EXPECT_EQ(workload_kinds(), (std::vector<std::string_view>{"ModelAPI", "MCPServer", "MemoryStore", "Agent",
                                                             "AccessGrant", "ThirdPartyService"}));
  EXPECT_TRUE(is_workload_kind("Agent"));
  EXPECT_TRUE(is_workload_kind("MemoryStore"));
  EXPECT_FALSE(is_workload_kind("Secret"));
  EXPECT_FALSE(is_workload_kind("agent"));
}

}  // namespace
}  // namespace kaos::plan
