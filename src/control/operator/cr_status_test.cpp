#include "control/operator/cr_status.hpp"

#include <gtest/gtest.h>

namespace kaos::control::operator_ {
namespace {

json::object j(std::string_view text) {
  return parse_json(text).value().as_object();
}

TEST(CrStatus, PhaseFollowsTheDeploymentsReadyReplicas) {
  auto none = status_from_deployment(nullptr, "http://x");
  EXPECT_EQ(none.phase, plan::Phase::Pending);
  EXPECT_EQ(none.message, "Deployment ready replicas: 0/1");
  auto half = j(R"({"spec":{"replicas":2},"status":{"replicas":2,"readyReplicas":0}})");
  EXPECT_FALSE(status_from_deployment(&half, "").ready);
  auto ready = j(R"({"spec":{"replicas":2},"status":{"replicas":2,"readyReplicas":1}})");
  auto s = status_from_deployment(&ready, "http://agent-a.ns.svc.cluster.local:8000");
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(s.phase, plan::Phase::Ready);
  EXPECT_EQ(s.message, "Deployment ready replicas: 1/2");
}

TEST(CrStatus, RendersKaosFieldsAndKeepsTransitionTimesOfUnchangedConditions) {
  auto deployment = j(
      R"({"spec":{"replicas":1},"status":{"replicas":1,"readyReplicas":1,"availableReplicas":1,"updatedReplicas":1,"observedGeneration":3}})");
  StatusInputs in;
  in.status = status_from_deployment(&deployment, "http://modelapi-m.ns.svc.cluster.local:8000");
  in.generation = 4;
  in.deployment = &deployment;
  in.supported_models = std::vector<std::string>{"gpt-4o"};
  auto first = render_cr_status(in, nullptr, "2026-12-07T10:00:00Z");
  EXPECT_EQ(first.at("phase"), "Ready");
  EXPECT_EQ(first.at("ready"), true);
  EXPECT_EQ(first.at("observedGeneration"), 4);
  EXPECT_EQ(first.at("deployment").at("readyReplicas"), 1);
  EXPECT_FALSE(first.at("deployment").as_object().contains("observedGeneration"));
  EXPECT_EQ(first.at("supportedModels").at(0), "gpt-4o");
  const auto& ready = first.at("conditions").at(0).as_object();
  EXPECT_EQ(ready.at("type"), "Ready");
  EXPECT_EQ(ready.at("status"), "True");
  EXPECT_EQ(ready.at("lastTransitionTime"), "2026-12-07T10:00:00Z");

  auto again = render_cr_status(in, &first, "2026-12-07T11:00:00Z");
  EXPECT_EQ(again, first) << "an unchanged status renders the same, so nothing is written";

  in.status.ready = false;
  in.status.phase = plan::Phase::Pending;
  auto changed = render_cr_status(in, &first, "2026-12-07T12:00:00Z");
  EXPECT_EQ(changed.at("conditions").at(0).at("status"), "False");
  EXPECT_EQ(changed.at("conditions").at(0).at("lastTransitionTime"), "2026-12-07T12:00:00Z");
}

TEST(CrStatus, ExtraConditionsAndReasonsAreWritten) {
  StatusInputs in;
  in.status.phase = plan::Phase::Failed;
  in.status.message = "scope too wide";
  in.status.reason = std::string(plan::kReasonInvalidMemoryReadScope);
  in.status.conditions.push_back({"MemoryDegraded", "True", "MemoryStoreNotReady", "MemoryStore s not found", ""});
  auto out = render_cr_status(in, nullptr, "2026-12-07T10:00:00Z");
  EXPECT_EQ(out.at("conditions").at(0).at("reason"), "InvalidMemoryReadScope");
  EXPECT_EQ(out.at("conditions").at(1).at("type"), "MemoryDegraded");
  EXPECT_FALSE(out.contains("endpoint"));
  EXPECT_FALSE(out.contains("deployment"));
}

TEST(CrStatus, Rfc3339InWholeSeconds) {
  EXPECT_EQ(rfc3339_seconds(std::chrono::system_clock::time_point{} + std::chrono::seconds(1765100000)),
            "2025-12-07T09:33:20Z");
}

}  // namespace
}  // namespace kaos::control::operator_
