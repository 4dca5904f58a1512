// McpClient against servers built from the official TypeScript SDK (tests/conformance/mcp/
// servers), over loopback: SSE and JSON answers, sessions, pagination and the tools cache,
// progress, server-to-client ping, session expiry, lazy connect, legacy HTTP+SSE, errors.
#include <atomic>

#include "clients/mcp/client.hpp"
#include "clients/mcp/test_support.hpp"
#include "protocol/mcp/mcp.hpp"

namespace kaos::clients::mcp {
namespace {

using namespace std::chrono_literals;
using test::Loop;
using test::NodeServer;
namespace asio = boost::asio;

McpClientOptions options_for(std::string url) {
  McpClientOptions o;
  o.url = std::move(url);
  o.request_timeout = 20s;
  o.connect_timeout = 5s;
  return o;
}

std::string first_text(const json::object& result) {
  const auto& content = result.at("content").as_array();
  return content.empty() ? std::string() : std::string(content[0].as_object().at("text").as_string());
}

/// GET /admin/stats of the streamable test server.
json::object stats(Loop& loop, const NodeServer& srv) {
  net::HttpClient http(loop.executor());
  net::ClientRequest req;
  req.url = srv.url("/admin/stats");
  auto res = loop.run(http.send(req));
  EXPECT_TRUE(res.has_value());
  return parse_json(res->body)->as_object();
}

TEST(McpClient, SseAnswersSessionAndPaginatedTools) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  auto tools = loop.run(client.list_tools());
  ASSERT_TRUE(tools.has_value()) << tools.error().message;
  ASSERT_EQ(tools->size(), 8u);  // four pages of two
  EXPECT_EQ(tools->at(0).as_object().at("name").as_string(), "echo");
  EXPECT_EQ(tools->at(7).as_object().at("name").as_string(), "add_tool");
  ASSERT_NE(client.server(), nullptr);
  EXPECT_TRUE(protocol::mcp::is_supported_version(client.server()->protocol_version));
  EXPECT_EQ(client.server()->name, "kaos-test-server");
  EXPECT_EQ(client.server()->transport, Transport::streamable_http);
  EXPECT_FALSE(client.session_id().empty());

  auto echoed = loop.run(client.call_tool("echo", json::object{{"text", "hello"}}));
  ASSERT_TRUE(echoed.has_value()) << echoed.error().message;
  EXPECT_EQ(first_text(*echoed), "hello");
  EXPECT_TRUE(loop.run(client.ping()).has_value());
  EXPECT_EQ(stats(loop, srv).at("initializes").as_int64(), 1);  // one session for all calls
}

TEST(McpClient, JsonAnswersAndStructuredContent) {
  NodeServer srv("streamable_server.mjs", {"--json"});
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  auto sum = loop.run(client.call_tool("add", json::object{{"a", 2}, {"b", 3.5}}));
  ASSERT_TRUE(sum.has_value()) << sum.error().message;
  EXPECT_EQ(first_text(*sum), "5.5");
  EXPECT_EQ(sum->at("structuredContent").as_object().at("sum").as_double(), 5.5);
}

TEST(McpClient, ToolErrorIsAValueAndUnknownToolIsRemoteError) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  auto failed = loop.run(client.call_tool("fail", {}));
  ASSERT_TRUE(failed.has_value()) << failed.error().message;
  EXPECT_TRUE(failed->at("isError").as_bool());
  auto unknown = loop.run(client.request("no/such/method", json::object{}));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().kind, ErrorKind::remote);
  EXPECT_NE(unknown.error().message.find("-32601"), std::string::npos) << unknown.error().message;
}

TEST(McpClient, ProgressAndLogNotificationsReachTheCallbacks) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  std::vector<std::string> logs;
  McpHandlers hooks;
  hooks.on_log = [&](const json::object& p) { logs.emplace_back(p.at("data").as_string()); };
  McpClient client(loop.executor(), options_for(srv.url("/mcp")), hooks);
  std::vector<Progress> seen;
  CallOptions call;
  call.on_progress = [&](const Progress& p) { seen.push_back(p); };
  auto done = loop.run(client.call_tool("progress", {}, call));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].progress, 3);
  EXPECT_EQ(seen[2].total, 3);
  EXPECT_EQ(seen[0].message, "step 1");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0], "progress done");
}

TEST(McpClient, AnswersServerToClientPing) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  auto r = loop.run(client.call_tool("ping_client", {}));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(first_text(*r), "client answered ping");
}

TEST(McpClient, ToolsAreCachedUntilListChanged) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  ASSERT_EQ(loop.run(client.list_tools())->size(), 8u);
  ASSERT_EQ(loop.run(client.list_tools())->size(), 8u);
  EXPECT_EQ(stats(loop, srv).at("listCalls").as_int64(), 4);  // the second list came from the cache
  ASSERT_TRUE(loop.run(client.call_tool("add_tool", {})).has_value());
  auto again = loop.run(client.list_tools());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->size(), 9u);
  EXPECT_EQ(again->at(8).as_object().at("name").as_string(), "extra_1");
}

TEST(McpClient, SharedToolListIsTheCacheAndIsReplacedOnListChanged) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  auto first = loop.run(client.list_tools_shared());
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_EQ((*first)->size(), 8u);
  auto second = loop.run(client.list_tools_shared());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->get(), second->get());  // the cache itself, not a copy
  ASSERT_EQ(loop.run(client.list_tools())->size(), 8u);
  ASSERT_TRUE(loop.run(client.call_tool("add_tool", {})).has_value());
  auto third = loop.run(client.list_tools_shared());
  ASSERT_TRUE(third.has_value());
  EXPECT_NE(first->get(), third->get());
  EXPECT_EQ((*third)->size(), 9u);
  EXPECT_EQ((*first)->size(), 8u);  // a pointer handed out earlier is never modified
}

TEST(McpClient, ExpiredSessionIsReinitializedOnce) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  ASSERT_TRUE(loop.run(client.call_tool("echo", json::object{{"text", "a"}})).has_value());
  auto old_session = client.session_id();
  net::HttpClient http(loop.executor());
  net::ClientRequest expire;
  expire.method = "POST";
  expire.url = srv.url("/admin/expire");
  ASSERT_EQ(loop.run(http.send(expire))->status, 200);
  auto r = loop.run(client.call_tool("echo", json::object{{"text", "b"}}));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(first_text(*r), "b");
  EXPECT_NE(client.session_id(), old_session);
  EXPECT_EQ(stats(loop, srv).at("initializes").as_int64(), 2);
}

TEST(McpClient, LazyConnectWaitsForAServerStartedLater) {
  const auto port = test::unused_port();
  Loop loop;
  test::Flag retried;
  std::atomic<int> attempts{0};
  McpHandlers hooks;
  hooks.on_connect_retry = [&](const Error& e, int) {
    EXPECT_EQ(e.kind, ErrorKind::connect);
    if (++attempts == 1) retried.set();
  };
  auto opts = options_for("http://127.0.0.1:" + std::to_string(port) + "/mcp");
  opts.connect_timeout = 30s;
  opts.request_timeout = 40s;
  McpClient client(loop.executor(), opts, hooks);
  auto pending = loop.start(client.call_tool("echo", json::object{{"text", "late"}}));
  ASSERT_TRUE(retried.wait());  // the first attempt was refused
  NodeServer srv("streamable_server.mjs", {"--port", std::to_string(port)});
  ASSERT_EQ(pending.wait_for(30s), std::future_status::ready);
  auto r = std::move(*pending.get());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(first_text(*r), "late");
}

TEST(McpClient, UnreachableServerFailsWithConnectErrorAndRecoversLater) {
  const auto port = test::unused_port();
  Loop loop;
  auto opts = options_for("http://127.0.0.1:" + std::to_string(port) + "/mcp");
  opts.connect_timeout = 400ms;
  McpClient client(loop.executor(), opts);
  auto r = loop.run(client.list_tools());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::connect);
  EXPECT_NE(r.error().message.find("cannot connect to http://127.0.0.1:"), std::string::npos) << r.error().message;
  // No permanent failed state: once the server is there, the next call works.
  NodeServer srv("streamable_server.mjs", {"--port", std::to_string(port)});
  auto ok = loop.run(client.list_tools());
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
}

TEST(McpClient, LegacySseTransportByFallbackAndExplicitly) {
  NodeServer srv("legacy_sse_server.mjs");
  Loop loop;
  McpClient automatic(loop.executor(), options_for(srv.url("/sse")));
  auto tools = loop.run(automatic.list_tools());
  ASSERT_TRUE(tools.has_value()) << tools.error().message;
  EXPECT_EQ(tools->size(), 8u);
  EXPECT_EQ(automatic.server()->transport, Transport::sse);
  auto r = loop.run(automatic.call_tool("ping_client", {}));
  ASSERT_TRUE(r.has_value()) << r.error().message;

  auto opts = options_for(srv.url("/sse"));
  opts.transport = Transport::sse;
  McpClient legacy(loop.executor(), opts);
  auto sum = loop.run(legacy.call_tool("add", json::object{{"a", 1}, {"b", 2}}));
  ASSERT_TRUE(sum.has_value()) << sum.error().message;
  EXPECT_EQ(first_text(*sum), "3");
}

TEST(McpClient, StreamableOnlyDoesNotFallBack) {
  NodeServer srv("legacy_sse_server.mjs");
  Loop loop;
  auto opts = options_for(srv.url("/sse"));
  opts.transport = Transport::streamable_http;
  McpClient client(loop.executor(), opts);
  auto r = loop.run(client.list_tools());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::http);
  EXPECT_NE(r.error().message.find("405"), std::string::npos) << r.error().message;
}

TEST(McpClient, CallTimeoutThenTheSessionStillWorks) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  CallOptions quick;
  quick.timeout = 300ms;
  auto slow = loop.run(client.call_tool("slow", json::object{{"ms", 5000}}, quick));
  ASSERT_FALSE(slow.has_value());
  EXPECT_EQ(slow.error().kind, ErrorKind::timeout) << slow.error().message;
  auto r = loop.run(client.call_tool("echo", json::object{{"text", "after"}}));
  ASSERT_TRUE(r.has_value()) << r.error().message;
}

TEST(McpClient, CancellingTheCallerStopsTheCall) {
  NodeServer srv("streamable_server.mjs");
  Loop loop;
  McpClient client(loop.executor(), options_for(srv.url("/mcp")));
  ASSERT_TRUE(loop.run(client.ping()).has_value());
  asio::cancellation_signal stop;
  json::object args{{"ms", 10000}};  // outside the coroutine: GCC 12 miscompiles braced lists in one
  auto call = [&]() -> net::Task<std::string> {
    auto r = co_await client.call_tool("slow", args);
    co_return r ? std::string("finished") : std::string(to_string(r.error().kind));
  };
  auto fut = asio::co_spawn(loop.context(), call(), asio::bind_cancellation_slot(stop.slot(), asio::use_future));
  // Cancel once the request is in flight: the server saw it (its list/initialize count is
  // not enough), so poll the call's future briefly instead of sleeping a fixed time.
  ASSERT_EQ(fut.wait_for(300ms), std::future_status::timeout);
  asio::post(loop.context(), [&] { stop.emit(asio::cancellation_type::terminal); });
  ASSERT_EQ(fut.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(fut.get(), "cancelled");
}

}  // namespace
}  // namespace kaos::clients::mcp
