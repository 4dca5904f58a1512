// Resumption (SEP-1699) and version negotiation against a scripted Streamable HTTP server
// built on net::Server in this process, so the test controls exactly when streams end.
#include <atomic>
#include <mutex>

#include "clients/mcp/client.hpp"
#include "clients/mcp/test_support.hpp"
#include "net/router.hpp"
#include "net/server.hpp"

namespace kaos::clients::mcp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::Loop;

// JSON bodies are built in plain functions: GCC 12 mis-handles braced lists inside coroutines.
std::string initialize_answer(const json::value& id, const std::string& version) {
  json::object result{{"protocolVersion", version},
                      {"capabilities", json::object{{"tools", json::object{}}}},
                      {"serverInfo", json::object{{"name", "scripted"}, {"version", "1"}}}};
  return to_json(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string resumed_answer(std::int64_t id) {
  json::object answer{
      {"jsonrpc", "2.0"},
      {"id", id},
      {"result", json::object{{"content", json::array{json::object{{"type", "text"}, {"text", "resumed"}}}}}}};
  return to_json(answer);
}

/// A minimal MCP endpoint: initialize answers `version`; tools/call answers on an SSE stream
/// that sends a priming event (id ev-1, `retry`) and closes; GET with Last-Event-ID ev-1
/// delivers the result. With `send_id` false the priming event carries no id.
struct ScriptedServer {
  std::string version = "2025-11-25";
  long retry_ms = 300;
  bool send_id = true;
  std::mutex mu;
  Clock::time_point closed_at{};
  Clock::time_point resumed_at{};
  std::string last_event_id;
  std::string session_on_get;
  std::int64_t pending_id = -1;

  std::shared_ptr<net::Router> router() {
    auto r = std::make_shared<net::Router>();
    r->post("/mcp", [this](net::Request& req) -> net::Task<net::Response> {
      auto body = parse_json(req.body)->as_object();
      auto method = std::string(body.at("method").as_string());
      if (method == "initialize") {
        auto res = net::Response::json(200, initialize_answer(body.at("id"), version));
        res.headers.set("Mcp-Session-Id", "s-1");
        co_return res;
      }
      if (!body.contains("id")) co_return net::Response::empty(202);
      {
        std::lock_guard lock(mu);
        pending_id = body.at("id").as_int64();
      }
      auto res = net::sse_response();
      res.stream = [this](net::BodyWriter& out) -> net::Task<void> {
        std::string priming =
            (send_id ? "id: ev-1\n" : std::string()) + "retry: " + std::to_string(retry_ms) + "\ndata: \n\n";
        co_await out.write(priming);
        std::lock_guard lock(mu);
        closed_at = Clock::now();
      };
      co_return res;
    });
    r->get("/mcp", [this](net::Request& req) -> net::Task<net::Response> {
      std::int64_t id;
      {
        std::lock_guard lock(mu);
        resumed_at = Clock::now();
        last_event_id = std::string(req.headers.get("Last-Event-ID").value_or(""));
        session_on_get = std::string(req.headers.get("Mcp-Session-Id").value_or(""));
        id = pending_id;
      }
      auto res = net::sse_response();
      res.stream = [id](net::BodyWriter& out) -> net::Task<void> {
        co_await out.write("id: ev-2\ndata: " + resumed_answer(id) + "\n\n");
      };
      co_return res;
    });
    return r;
  }
};

class Served {
 public:
  Served(Loop& loop, ScriptedServer& script) : loop_(loop) {
    net::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    server_ = std::make_unique<net::Server>(loop.executor(), o, script.router());
    EXPECT_TRUE(server_->listen().has_value());
    server_->start();
  }
  ~Served() { loop_.run(server_->shutdown()); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/mcp"; }

 private:
  Loop& loop_;
  std::unique_ptr<net::Server> server_;
};

McpClientOptions options_for(std::string url) {
  McpClientOptions o;
  o.url = std::move(url);
  o.request_timeout = 10s;
  o.connect_timeout = 2s;
  return o;
}

TEST(McpResume, ReconnectsWithLastEventIdAfterTheServersRetryDelay) {
  Loop loop;
  ScriptedServer script;
  Served served(loop, script);
  McpClient client(loop.executor(), options_for(served.url()));
  auto r = loop.run(client.call_tool("anything", {}));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->at("content").as_array()[0].as_object().at("text").as_string(), "resumed");
  std::lock_guard lock(script.mu);
  EXPECT_EQ(script.last_event_id, "ev-1");
  EXPECT_EQ(script.session_on_get, "s-1");
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(script.resumed_at - script.closed_at);
  EXPECT_GE(waited.count(), script.retry_ms - 50);
  EXPECT_LE(waited.count(), script.retry_ms + 200);
}

TEST(McpResume, StreamWithoutEventIdCannotBeResumed) {
  Loop loop;
  ScriptedServer script;
  script.send_id = false;
  Served served(loop, script);
  McpClient client(loop.executor(), options_for(served.url()));
  auto r = loop.run(client.call_tool("anything", {}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  EXPECT_NE(r.error().message.find("no event id"), std::string::npos) << r.error().message;
}

TEST(McpResume, RetryLongerThanTheDeadlineIsATimeoutNotAnEarlyReconnect) {
  Loop loop;
  ScriptedServer script;
  script.retry_ms = 5000;
  Served served(loop, script);
  McpClient client(loop.executor(), options_for(served.url()));
  CallOptions call;
  call.timeout = 1s;
  auto r = loop.run(client.call_tool("anything", {}, call));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::timeout);
  std::lock_guard lock(script.mu);
  EXPECT_EQ(script.resumed_at, Clock::time_point{});  // never reconnected early
}

TEST(McpVersion, UnsupportedServerVersionIsAClearError) {
  Loop loop;
  ScriptedServer script;
  script.version = "1999-01-01";
  Served served(loop, script);
  McpClient client(loop.executor(), options_for(served.url()));
  auto r = loop.run(client.list_tools());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::protocol);
  EXPECT_NE(r.error().message.find("'1999-01-01'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("2025-11-25"), std::string::npos);
}

TEST(McpVersion, OlderSupportedVersionIsAcceptedAndSentAsHeader) {
  Loop loop;
  ScriptedServer script;
  script.version = "2025-03-26";
  Served served(loop, script);
  McpClient client(loop.executor(), options_for(served.url()));
  auto info = loop.run(client.connect());
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->protocol_version, "2025-03-26");
  EXPECT_EQ(client.session_id(), "s-1");
}

}  // namespace
}  // namespace kaos::clients::mcp
