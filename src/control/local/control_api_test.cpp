// The control API's routes over a supervisor with a fake host: bodies through the protocol
// types, errors naming the field, the token, and the kind spellings.
#include "control/local/control_api.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "control/local/fake_host.hpp"
#include "protocol/kaos/control.hpp"

namespace kaos::local {
namespace {

namespace wire = protocol::kaos;
using namespace std::chrono_literals;

TEST(CanonicalKind, AcceptsTheSpellingsOfTheKindTableForWorkloadKindsOnly) {
  for (auto w : {"agent", "agents", "Agent", "AGENTS"}) EXPECT_EQ(canonical_kind(w), "Agent") << w;
  for (auto w : {"modelapi", "modelapis", "ModelAPI", "api", "apis"}) EXPECT_EQ(canonical_kind(w), "ModelAPI") << w;
  for (auto w : {"mcpserver", "mcpservers", "MCPServer", "mcp", "mcps"}) EXPECT_EQ(canonical_kind(w), "MCPServer") << w;
  for (auto w : {"memorystore", "memstore", "MemoryStores"}) EXPECT_EQ(canonical_kind(w), "MemoryStore") << w;
  for (auto w : {"accessgrant", "accessgrants"}) EXPECT_EQ(canonical_kind(w), "AccessGrant") << w;
  for (auto w : {"thirdpartyservice", "tps"}) EXPECT_EQ(canonical_kind(w), "ThirdPartyService") << w;
  for (auto w : {"secret", "configmap", "", "all"}) EXPECT_EQ(canonical_kind(w), "") << w;
}

class ControlApiTest : public ::testing::Test {
 protected:
  ControlApiTest() {
    char dir[] = "/tmp/kaos-control-test-XXXXXX";
    state_.root = ::mkdtemp(dir);
    EXPECT_TRUE(state_.ensure());
    SupervisorOptions o;
    o.state = state_;
    o.host = std::make_shared<testing::FakeHost>(ioc_.get_executor());
    sup_ = std::make_unique<Supervisor>(ioc_.get_executor(), std::move(o));
    router_ = make_control_router(*sup_, "secret-token", [this] { ++shutdowns_; });
  }
  ~ControlApiTest() override {
    ioc_.restart();
    ioc_.run_for(2s);  // lets stopped runs end (returns at once when nothing is left)
    sup_.reset();
    std::filesystem::remove_all(state_.root);
  }

  /// A request as the control client sends it over loopback (JSON bodies, Host 127.0.0.1).
  net::Response call(std::string method, std::string path, std::string body = {}, std::string token = "secret-token",
                     std::string host = "127.0.0.1:7000", std::string content_type = "application/json") {
    net::Request req;
    req.method = std::move(method);
    req.path = req.target = std::move(path);
    req.local_address = "127.0.0.1:7000";
    if (!body.empty()) req.headers.set("Content-Type", content_type);
    req.body = std::move(body);
    req.headers.set("Host", host);
    req.headers.set("Authorization", "Bearer " + token);
    auto fut = boost::asio::co_spawn(ioc_, router_->dispatch(req), boost::asio::use_future);
    ioc_.restart();
    while (fut.wait_for(0s) != std::future_status::ready) ioc_.run_one_for(10ms);
    return fut.get();
  }
  static json::value body(const net::Response& r) {
    auto v = parse_json(r.body);
    EXPECT_TRUE(v) << r.body;
    return v ? *v : json::value();
  }

  boost::asio::io_context ioc_;
  StateDir state_;
  std::unique_ptr<Supervisor> sup_;
  std::shared_ptr<net::Router> router_;
  int shutdowns_ = 0;
};

constexpr std::string_view kModelApi =
    "apiVersion: kaos.tools/v1alpha1\nkind: ModelAPI\nmetadata: {name: llm}\n"
    "spec: {mode: Proxy, proxyConfig: {provider: mock, models: [m]}}\n";

TEST_F(ControlApiTest, ApplyThenListAndDescribeThroughTheWireTypes) {
  wire::ApplyRequest request{{{"m.yaml", std::string(kModelApi)}}, true};
  auto applied = call("POST", "/v1/apply", to_json(wire::apply_request_json(request)));
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(applied.body, R"({"actions":[{"id":"modelapi/default/llm","action":"created"}]})");

  auto status = call("GET", "/v1/status");
  ASSERT_EQ(status.status, 200);
  auto reply = wire::parse_status_reply(body(status));
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->supervisor.state_dir, state_.root);
  ASSERT_EQ(reply->resources.size(), 1u);
  const auto& s = reply->resources[0];
  EXPECT_EQ(s.id, "modelapi/default/llm");
  EXPECT_EQ(s.phase, "Pending");
  EXPECT_EQ(s.role, "modelapi");
  EXPECT_EQ(s.log, state_.log_file(s.id));
  EXPECT_TRUE(s.endpoint.starts_with("http://127.0.0.1:"));

  for (auto path : {"/v1/resources", "/v1/resources/api", "/v1/resources/modelapis"}) {
    auto list = wire::parse_resource_list(body(call("GET", path)));
    ASSERT_TRUE(list) << path;
    EXPECT_EQ(list->size(), 1u) << path;
  }
  EXPECT_EQ(wire::parse_resource_list(body(call("GET", "/v1/resources/agent")))->size(), 0u);
  EXPECT_EQ(wire::parse_resource_list(body(call("GET", "/v1/resources/memstore")))->size(), 0u);
  EXPECT_EQ(call("GET", "/v1/resources/secrets").status, 404);

  auto described = wire::parse_resource_description(body(call("GET", "/v1/resources/api/default/llm")));
  ASSERT_TRUE(described) << described.error().message;
  EXPECT_EQ(described->status.id, "modelapi/default/llm");
  EXPECT_EQ(described->command[1], "modelapi");
  EXPECT_EQ(call("GET", "/v1/resources/api/default/nope").status, 404);

  auto deleted = call("POST", "/v1/delete", R"({"resources":[{"kind":"api","name":"llm"}]})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.body, R"({"deleted":["modelapi/default/llm"]})");
}

TEST_F(ControlApiTest, BadBodiesAre400NamingTheField) {
  auto r = call("POST", "/v1/apply", R"({"sources":[{"name":"a"}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(*wire::parse_detail(body(r)), "sources[0].text: expected a string, but it is missing");
  r = call("POST", "/v1/apply", "not json");
  EXPECT_EQ(r.status, 400);
  r = call("POST", "/v1/delete", R"({"resources":[{"kind":"secret","name":"x"}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(*wire::parse_detail(body(r)),
            "resources[0].kind: expected one of modelapi, mcpserver, memorystore, agent, accessgrant, "
            "thirdpartyservice");

  auto rejected = call("POST", "/v1/apply", R"({"sources":[{"name":"a.yaml","text":"kind: Agent\n"}]})");
  EXPECT_EQ(rejected.status, 422);
  auto errors = wire::parse_apply_rejection(body(rejected));
  ASSERT_TRUE(errors) << rejected.body;
  EXPECT_FALSE(errors->errors.empty());
}

TEST_F(ControlApiTest, EveryRouteNeedsTheToken) {
  EXPECT_EQ(call("GET", "/v1/status", {}, "wrong").status, 401);
  EXPECT_EQ(call("POST", "/v1/shutdown", {}, "wrong").status, 401);
  EXPECT_EQ(shutdowns_, 0);
  auto r = call("POST", "/v1/shutdown");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"detail":"shutting down"})");
  EXPECT_EQ(shutdowns_, 1);
}

TEST_F(ControlApiTest, BrowserSafetyComesBeforeTheToken) {
  // A rebinding page that somehow held the token still gets nothing; nor does a text/plain body.
  EXPECT_EQ(call("POST", "/v1/shutdown", {}, "secret-token", "evil.example:7000").status, 403);
  wire::ApplyRequest request{{{"m.yaml", std::string(kModelApi)}}, true};
  EXPECT_EQ(call("POST", "/v1/apply", to_json(wire::apply_request_json(request)), "secret-token", "127.0.0.1:7000",
                 "text/plain")
                .status,
            415);
  EXPECT_EQ(shutdowns_, 0);
  EXPECT_EQ(wire::parse_resource_list(body(call("GET", "/v1/resources")))->size(), 0u);
}

}  // namespace
}  // namespace kaos::local
