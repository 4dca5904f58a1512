#include "control/operator/reconcile.hpp"

#include <gtest/gtest.h>

#include <map>

#include "control/operator/wakes.hpp"

namespace kaos::control::operator_ {
namespace {

// The informers' caches as a test writes them: objects as the API server would return them.
class FakeView final : public ClusterView {
 public:
  k8s::ObjectCache& cache(std::string_view kind) { return caches_[std::string(kind)]; }
  /// Stores `object` as a new version (a fresh resourceVersion, as the API server gives each write).
  void put(std::string_view kind, json::object object) {
    object["metadata"].as_object()["resourceVersion"] = std::to_string(++version_);
    cache(kind).apply("MODIFIED", object);
  }
  k8s::ObjectPtr resource(std::string_view kind, const std::string& key) const override { return get(kind, key); }
  k8s::ObjectPtr child(std::string_view kind, const std::string& key) const override { return get(kind, key); }

 private:
  k8s::ObjectPtr get(std::string_view kind, const std::string& key) const {
    auto it = caches_.find(std::string(kind));
    return it == caches_.end() ? nullptr : it->second.get(key);
  }
  std::map<std::string, k8s::ObjectCache> caches_;
  int version_ = 100;
};

json::object modelapi(bool ready, std::string rv = "1") {
  auto o = parse_json(R"({"apiVersion":"kaos.tools/v1alpha1","kind":"ModelAPI",
    "metadata":{"name":"llm","namespace":"ns","uid":"u-llm","generation":1,
                "finalizers":["kaos.tools/modelapi-finalizer"]},
    "spec":{"mode":"Proxy","proxyConfig":{"models":["gpt-4o"],"apiBase":"http://upstream:1"}}})")
               .value()
               .as_object();
  o["metadata"].as_object()["resourceVersion"] = rv;
  if (ready) o["status"] = json::object{{"phase", "Ready"}, {"ready", true}};
  return o;
}

json::object agent(std::string extra_spec = "") {
  std::string text = R"({"apiVersion":"kaos.tools/v1alpha1","kind":"Agent",
    "metadata":{"name":"a","namespace":"ns","uid":"u-a","generation":2,"resourceVersion":"5",
                "finalizers":["kaos.tools/agent-finalizer"]},
    "spec":{"modelAPI":"llm","model":"gpt-4o")" +
                     extra_spec + "}}";
  return parse_json(text).value().as_object();
}

const OperatorSettings kSettings{};
const std::string kNow = "2026-12-07T10:00:00Z";

// Writes what the outcome asks for into the fake caches, as the API server would store it.
void store(FakeView& view, std::string_view kind, const ReconcileOutcome& out, std::int64_t ready_replicas) {
  for (auto object : out.apply) {
    if (string_field(object, "kind") == "Deployment")
      object["status"] = json::object{{"replicas", 1}, {"readyReplicas", ready_replicas}};
    const auto kind = child_ref(object).kind;
    view.put(kind, trim_child(std::move(object)));
  }
  if (out.status) {
    auto self = *view.resource(kind, "ns/a");
    self["status"] = *out.status;
    view.put(kind, self);
  }
}

TEST(Reconcile, AnAgentWaitsForAMissingModelApiAndIsRequeued) {
  FakeView view;
  view.put("Agent", agent());
  auto out = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  EXPECT_TRUE(out.apply.empty()) << "no Deployment while waiting";
  ASSERT_TRUE(out.status);
  EXPECT_EQ(out.status->at("phase"), "Waiting");
  EXPECT_EQ(out.status->at("message"), "ModelAPI llm not found");
  EXPECT_EQ(out.requeue_after, kMissingDependencyRequeue);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].type, "Warning");
}

TEST(Reconcile, AnAgentWaitsForANotReadyModelApiWithoutARequeue) {
  FakeView view;
  view.put("Agent", agent());
  view.put("ModelAPI", modelapi(false));
  auto out = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  ASSERT_TRUE(out.status);
  EXPECT_EQ(out.status->at("phase"), "Waiting");
  EXPECT_EQ(out.status->at("message"), "ModelAPI llm is not ready");
  EXPECT_FALSE(out.requeue_after) << "the ModelAPI's own change wakes the Agent";
  EXPECT_TRUE(out.apply.empty());
}

TEST(Reconcile, AReadyDependencyGivesDeploymentAndServiceThenAQuietSecondPass) {
  FakeView view;
  view.put("Agent", agent());
  view.put("ModelAPI", modelapi(true));
  auto first = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  ASSERT_EQ(first.apply.size(), 2u);
  EXPECT_EQ(child_ref(first.apply[0]), (ChildRef{"Deployment", "ns", "agent-a"}));
  EXPECT_EQ(child_ref(first.apply[1]), (ChildRef{"Service", "ns", "agent-a"}));
  ASSERT_TRUE(first.status);
  EXPECT_EQ(first.status->at("phase"), "Pending");
  EXPECT_EQ(first.status->at("endpoint"), "http://agent-a.ns.svc.cluster.local:8000");
  EXPECT_EQ(first.status->at("linkedResources").at("modelapi"), "llm");
  store(view, "Agent", first, 0);

  // The Deployment now exists: the status gains its summary, once.
  auto second = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  EXPECT_TRUE(second.apply.empty());
  ASSERT_TRUE(second.status);
  EXPECT_EQ(second.status->at("deployment").at("replicas"), 1);
  EXPECT_TRUE(second.events.empty()) << "still Pending: no new event";
  store(view, "Agent", second, 0);
  auto quiet = reconcile_resource("Agent", "ns/a", view, kSettings, "2026-12-07T10:01:00Z");
  EXPECT_TRUE(quiet.writes_nothing()) << "nothing changed: nothing is written";

  // The Deployment becomes ready: only the status changes.
  auto deployment = *view.child("Deployment", "ns/agent-a");
  deployment["status"].as_object()["readyReplicas"] = 1;
  view.put("Deployment", deployment);
  auto third = reconcile_resource("Agent", "ns/a", view, kSettings, "2026-12-07T10:05:00Z");
  EXPECT_TRUE(third.apply.empty());
  ASSERT_TRUE(third.status);
  EXPECT_EQ(third.status->at("phase"), "Ready");
  EXPECT_EQ(third.status->at("message"), "Deployment ready replicas: 1/1");
  EXPECT_EQ(third.status->at("observedGeneration"), 2);
}

TEST(Reconcile, ASpecChangeRollsOnlyTheDeployment) {
  FakeView view;
  view.put("Agent", agent());
  view.put("ModelAPI", modelapi(true));
  auto first = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  store(view, "Agent", first, 1);
  auto changed = agent(R"(,"config":{"instructions":"be brief"})");
  changed["status"] = view.resource("Agent", "ns/a")->at("status");
  view.put("Agent", changed);
  auto out = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  ASSERT_EQ(out.apply.size(), 1u);
  EXPECT_EQ(child_ref(out.apply[0]).kind, "Deployment");
}

TEST(Reconcile, ExposeFalseRemovesTheOwnedService) {
  FakeView view;
  view.put("Agent", agent());
  view.put("ModelAPI", modelapi(true));
  store(view, "Agent", reconcile_resource("Agent", "ns/a", view, kSettings, kNow), 1);
  auto hidden = agent(R"(,"agentNetwork":{"expose":false})");
  view.put("Agent", hidden);
  auto out = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  ASSERT_EQ(out.remove.size(), 1u);
  EXPECT_EQ(out.remove[0], (ChildRef{"Service", "ns", "agent-a"}));
}

TEST(Reconcile, FinalizersAreAddedFirstAndRemovedOnDeletion) {
  FakeView view;
  auto fresh = agent();
  fresh["metadata"].as_object().erase("finalizers");
  view.put("Agent", fresh);
  EXPECT_EQ(reconcile_resource("Agent", "ns/a", view, kSettings, kNow).finalizer, ReconcileOutcome::Finalizer::add);
  auto deleting = agent();
  deleting["metadata"].as_object()["deletionTimestamp"] = kNow;
  view.put("Agent", deleting);
  auto out = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  EXPECT_EQ(out.finalizer, ReconcileOutcome::Finalizer::remove);
  EXPECT_TRUE(out.apply.empty());
  EXPECT_FALSE(out.status);
}

TEST(Reconcile, AnUnsupportedModelFailsWithKaosMessageAndWritesNoChild) {
  FakeView view;
  auto wrong = agent();
  wrong["spec"].as_object()["model"] = "claude-3";
  view.put("Agent", wrong);
  view.put("ModelAPI", modelapi(true));
  auto out = reconcile_resource("Agent", "ns/a", view, kSettings, kNow);
  EXPECT_TRUE(out.apply.empty());
  ASSERT_TRUE(out.status);
  EXPECT_EQ(out.status->at("phase"), "Failed");
  EXPECT_NE(std::string(out.status->at("message").as_string()).find("not supported by ModelAPI"), std::string::npos);
}

TEST(Reconcile, AGoneResourceWritesNothing) {
  FakeView view;
  EXPECT_TRUE(reconcile_resource("Agent", "ns/a", view, kSettings, kNow).writes_nothing());
}

TEST(Wakes, AModelApiWakesItselfAndTheAgentsThatUseIt) {
  k8s::ObjectCache agents;
  agents.add_index(kReferencesIndex, agent_references);
  agents.apply("ADDED", agent());
  auto keys = keys_to_wake("ModelAPI", modelapi(true), agents);
  EXPECT_EQ(keys, (std::vector<std::string>{"ModelAPI/ns/llm", "Agent/ns/a"}));
}

TEST(Wakes, AChildWakesTheResourceThatControlsIt) {
  k8s::ObjectCache agents;
  auto deployment = parse_json(R"({"kind":"Deployment","metadata":{"name":"agent-a","namespace":"ns",
    "ownerReferences":[{"apiVersion":"kaos.tools/v1alpha1","kind":"Agent","name":"a","uid":"u","controller":true}]}})")
                        .value()
                        .as_object();
  EXPECT_EQ(keys_to_wake("Deployment", deployment, agents), (std::vector<std::string>{"Agent/ns/a"}));
  deployment["metadata"].as_object().erase("ownerReferences");
  EXPECT_TRUE(keys_to_wake("Deployment", deployment, agents).empty());
}

}  // namespace
}  // namespace kaos::control::operator_
