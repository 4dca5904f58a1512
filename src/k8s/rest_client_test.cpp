// RestClient and discovery against the stand-in API server (tests/k8s), a real child process.
#include "k8s/rest_client.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/yaml.hpp"
#include "k8s/api_error.hpp"
#include "k8s/discovery.hpp"
#include "k8s/standin_test_support.hpp"
#include "net/testing.hpp"

namespace kaos::k8s {
namespace {

using net::testing::Loop;

const ResourceType kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
const ResourceType kAgents{"kaos.tools", "v1alpha1", "agents", "Agent", true};

json::object configmap(const std::string& name, const std::string& value) {
  return json::object{{"metadata", json::object{{"name", name}, {"namespace", "default"}}},
                      {"data", json::object{{"key", value}}}};
}

json::object agent(const std::string& name) {
  return json::object{{"apiVersion", "kaos.tools/v1alpha1"},
                      {"kind", "Agent"},
                      {"metadata", json::object{{"name", name}, {"namespace", "default"}}},
                      {"spec", json::object{{"modelAPI", "gateway"}, {"model", "openai/gpt-4.1"}}}};
}

std::string meta(const json::object& o, std::string_view key) {
  return std::string(string_field(o.at("metadata").as_object(), key).value_or(""));
}

class RestClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::StandIn::start();
    ASSERT_TRUE(started) << started.error().message;
    standin_ = std::move(*started).release();
  }
  static void TearDownTestSuite() {
    delete standin_;
    standin_ = nullptr;
  }
  template <class T>
  T run(net::Task<T> task) {
    return loop_.run(std::move(task));
  }

  static inline testing::StandIn* standin_ = nullptr;
  Loop loop_;
  RestClient client_{loop_.executor(), standin_->config()};
};

TEST_F(RestClientTest, CrudRoundTrip) {
  auto created = run(client_.create(kConfigMaps, configmap("crud", "one")));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(meta(*created, "name"), "crud");
  EXPECT_FALSE(meta(*created, "uid").empty());

  auto got = run(client_.get(kConfigMaps, "default", "crud"));
  ASSERT_TRUE(got) << got.error().message;
  got->at("data").as_object()["key"] = "two";
  auto updated = run(client_.update(kConfigMaps, *got));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->at("data").at("key").as_string(), "two");

  auto patched = run(client_.merge_patch(kConfigMaps, "", "crud", json::object{{"data", {{"other", "x"}}}}));
  ASSERT_TRUE(patched) << patched.error().message;
  EXPECT_EQ(patched->at("data").at("other").as_string(), "x");

  auto removed = run(client_.remove(kConfigMaps, "default", "crud"));
  ASSERT_TRUE(removed) << removed.error().message;
  auto gone = run(client_.get(kConfigMaps, "default", "crud"));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::not_found);
  EXPECT_EQ(status_reason(gone.error()), StatusReason::not_found);
  EXPECT_EQ(gone.error().http_status, 404);
  EXPECT_NE(gone.error().message.find("configmaps default/crud"), std::string::npos) << gone.error().message;

  auto again = run(client_.remove(kConfigMaps, "default", "crud"));
  ASSERT_FALSE(again);
  EXPECT_EQ(status_reason(again.error()), StatusReason::not_found);

  auto counts = client_.counts().snapshot();
  EXPECT_EQ((counts[{"create", 201}]), 1u);
  EXPECT_EQ((counts[{"get", 404}]), 1u);
  EXPECT_EQ((counts[{"delete", 404}]), 1u);
}

TEST_F(RestClientTest, StaleUpdateIsAConflictAndACreateTwiceAlreadyExists) {
  auto created = run(client_.create(kConfigMaps, configmap("stale", "one")));
  ASSERT_TRUE(created) << created.error().message;
  json::object first = *created;
  first["data"].as_object()["key"] = "two";
  ASSERT_TRUE(run(client_.update(kConfigMaps, first)));
  first["data"].as_object()["key"] = "three";  // still the old resourceVersion
  auto stale = run(client_.update(kConfigMaps, first));
  ASSERT_FALSE(stale);
  EXPECT_EQ(status_reason(stale.error()), StatusReason::conflict);
  EXPECT_EQ(stale.error().reason, "Conflict");
  EXPECT_EQ(stale.error().http_status, 409);

  auto twice = run(client_.create(kConfigMaps, configmap("stale", "x")));
  ASSERT_FALSE(twice);
  EXPECT_EQ(status_reason(twice.error()), StatusReason::already_exists);
}

TEST_F(RestClientTest, InvalidObjectIs422WithTheFieldNamed) {
  json::object bad = agent("bad");
  bad["spec"].as_object().erase("model");
  bad["spec"].as_object()["modelAPI"] = 5;
  auto refused = run(client_.create(kAgents, bad));
  ASSERT_FALSE(refused);
  EXPECT_EQ(status_reason(refused.error()), StatusReason::invalid);
  EXPECT_EQ(refused.error().http_status, 422);
  EXPECT_NE(refused.error().message.find("spec.modelAPI"), std::string::npos) << refused.error().message;
}

TEST_F(RestClientTest, ServerSideApplyConflictsBetweenManagersUntilForced) {
  auto object = agent("applied");
  auto created = run(client_.apply(kAgents, object, {.field_manager = "alpha"}));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->at("spec").at("model").as_string(), "openai/gpt-4.1");

  object["spec"].as_object()["model"] = "openai/gpt-5";
  auto conflict = run(client_.apply(kAgents, object, {.field_manager = "beta"}));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(status_reason(conflict.error()), StatusReason::conflict);

  auto forced = run(client_.apply(kAgents, object, {.field_manager = "beta", .force = true}));
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_EQ(forced->at("spec").at("model").as_string(), "openai/gpt-5");

  auto no_manager = run(client_.apply(kAgents, object, {}));
  ASSERT_FALSE(no_manager);
  EXPECT_EQ(no_manager.error().kind, ErrorKind::invalid);
}

TEST_F(RestClientTest, StatusWritesDoNotBumpGeneration) {
  auto created = run(client_.create(kAgents, agent("status")));
  ASSERT_TRUE(created) << created.error().message;
  auto generation = created->at("metadata").at("generation").as_int64();
  json::object with_status = *created;
  with_status["status"] = json::object{{"phase", "Ready"}};
  auto updated = run(client_.update_status(kAgents, with_status));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->at("status").at("phase").as_string(), "Ready");
  EXPECT_EQ(updated->at("metadata").at("generation").as_int64(), generation);

  auto patched = run(client_.merge_patch(kAgents, "default", "status", json::object{{"status", {{"phase", "Failed"}}}},
                                         {.status = true}));
  ASSERT_TRUE(patched) << patched.error().message;
  EXPECT_EQ(patched->at("status").at("phase").as_string(), "Failed");
  auto applied = run(client_.apply(kAgents,
                                   json::object{{"apiVersion", "kaos.tools/v1alpha1"},
                                                {"kind", "Agent"},
                                                {"metadata", {{"name", "status"}, {"namespace", "default"}}},
                                                {"status", {{"phase", "Pending"}}}},
                                   {.field_manager = "status-writer", .force = true, .status = true}));
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(applied->at("status").at("phase").as_string(), "Pending");
  EXPECT_EQ(applied->at("metadata").at("generation").as_int64(), generation);
}

TEST_F(RestClientTest, ListPagesWithLimitAndSelectors) {
  for (int i = 0; i < 5; ++i) {
    auto cm = configmap("page-" + std::to_string(i), "v");
    cm["metadata"].as_object()["labels"] = json::object{{"set", "paging"}};
    ASSERT_TRUE(run(client_.create(kConfigMaps, cm)));
  }
  ListOptions options{.label_selector = "set=paging", .limit = 2};
  auto first = run(client_.list(kConfigMaps, "default", options));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->items.size(), 2u);
  EXPECT_FALSE(first->continue_token.empty());
  EXPECT_EQ(string_field(first->items[0], "kind").value_or(""), "ConfigMap");

  auto all = run(client_.list_all(kConfigMaps, "default", options));
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->items.size(), 5u);
  EXPECT_TRUE(all->continue_token.empty());
  EXPECT_FALSE(all->resource_version.empty());
  EXPECT_GE((client_.counts().snapshot()[{"list", 200}]), 4u);

  auto one = run(client_.list(kConfigMaps, "default", {.field_selector = "metadata.name=page-3"}));
  ASSERT_TRUE(one);
  ASSERT_EQ(one->items.size(), 1u);
}

TEST_F(RestClientTest, DeleteWithAFinalizerLeavesADeletionTimestamp) {
  auto cm = configmap("held", "v");
  cm["metadata"].as_object()["finalizers"] = json::array{"kaos.tools/test"};
  ASSERT_TRUE(run(client_.create(kConfigMaps, cm)));
  auto answer = run(client_.remove(kConfigMaps, "default", "held", {.propagation_policy = "Foreground"}));
  ASSERT_TRUE(answer) << answer.error().message;
  auto held = run(client_.get(kConfigMaps, "default", "held"));
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_FALSE(meta(*held, "deletionTimestamp").empty());

  auto wrong_uid = run(client_.remove(kConfigMaps, "default", "held", {.precondition_uid = "not-the-uid"}));
  ASSERT_FALSE(wrong_uid);
  EXPECT_EQ(status_reason(wrong_uid.error()), StatusReason::conflict);

  ASSERT_TRUE(
      run(client_.merge_patch(kConfigMaps, "default", "held", json::object{{"metadata", {{"finalizers", nullptr}}}})));
  auto gone = run(client_.get(kConfigMaps, "default", "held"));
  ASSERT_FALSE(gone);
  EXPECT_EQ(status_reason(gone.error()), StatusReason::not_found);
}

TEST_F(RestClientTest, InjectedTooManyRequestsCarriesRetryAfter) {
  auto inject = run(
      client_.request("POST", "/_standin/inject",
                      R"({"method": "GET", "pathPrefix": "/api/v1/namespaces/default/configmaps/throttled", "code": 429,
          "count": 1, "retryAfterSeconds": 7, "reason": "TooManyRequests"})"));
  ASSERT_TRUE(inject) << inject.error().message;
  auto throttled = run(client_.get(kConfigMaps, "default", "throttled"));
  ASSERT_FALSE(throttled);
  EXPECT_EQ(status_reason(throttled.error()), StatusReason::too_many_requests);
  ASSERT_TRUE(throttled.error().retry_after.has_value());
  EXPECT_EQ(*throttled.error().retry_after, std::chrono::seconds(7));
  auto after = run(client_.get(kConfigMaps, "default", "throttled"));  // the injection is used up
  ASSERT_FALSE(after);
  EXPECT_EQ(status_reason(after.error()), StatusReason::not_found);
}

TEST_F(RestClientTest, UserAgentIsKaosOperator) {
  std::string seen;
  RestClientOptions options;
  options.on_request = [&](const RequestRecord& r) { seen = r.verb + " " + std::to_string(r.code); };
  RestClient client(loop_.executor(), standin_->config(), options);
  auto version = run(server_version(client));
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(version->major, "1");
  EXPECT_EQ(seen, "get 200");
  // The stand-in names a request's field manager after the User-Agent's product.
  auto created = run(client.create(kConfigMaps, configmap("ua", "v")));
  ASSERT_TRUE(created);
  auto managers = to_json(created->at("metadata").at("managedFields"));
  EXPECT_NE(managers.find("kaos-operator"), std::string::npos) << managers;
}

TEST_F(RestClientTest, DiscoveryFindsTheGatewayApiOnceItsCrdIsApplied) {
  auto core = run(has_resource(client_, "v1", "configmaps"));
  ASSERT_TRUE(core) << core.error().message;
  EXPECT_TRUE(*core);
  auto agents = run(has_resource(client_, "kaos.tools/v1alpha1", "agents"));
  ASSERT_TRUE(agents);
  EXPECT_TRUE(*agents);
  auto absent = run(has_group_version(client_, "gateway.networking.k8s.io/v1"));
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_FALSE(*absent);

  auto text = std::ifstream(std::string(KAOS_SOURCE_DIR) + "/tests/k8s/fixtures/gateway-api-httproutes.yaml");
  std::stringstream yaml_text;
  yaml_text << text.rdbuf();
  auto crd = parse_yaml(yaml_text.str());
  ASSERT_TRUE(crd && crd->is_object());
  const ResourceType crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false};
  auto applied = run(client_.apply(crds, crd->as_object(), {.field_manager = "test"}));
  ASSERT_TRUE(applied) << applied.error().message;

  auto present = run(has_group_version(client_, "gateway.networking.k8s.io/v1"));
  ASSERT_TRUE(present);
  EXPECT_TRUE(*present);
  auto routes = run(has_resource(client_, "gateway.networking.k8s.io/v1", "httproutes"));
  ASSERT_TRUE(routes);
  EXPECT_TRUE(*routes);
  auto grpc = run(has_resource(client_, "gateway.networking.k8s.io/v1", "grpcroutes"));
  ASSERT_TRUE(grpc);
  EXPECT_FALSE(*grpc);
}

}  // namespace
}  // namespace kaos::k8s
