// MCP messages as `kaos mcp` receives them: POST /mcp bodies through the Streamable HTTP
// transport into a native server session (JSON-RPC parsing, initialize, tools/list, tools/call
// with schema validation, resources, prompts, completion, logging), in process, without
// sockets. Each input: initialize a session, POST the input as a message of that session,
// DELETE it. Invariants: no crash or hang; every answer is 2xx or 4xx, and a JSON answer is JSON.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "fuzz_check.hpp"
#include "net/router.hpp"
#include "servers/mcp/server.hpp"

namespace {

namespace mcp = kaos::mcp;
namespace net = kaos::net;
namespace json = kaos::json;

/// Collects a streamed answer.
class Collect final : public net::BodyWriter {
 public:
  net::Task<bool> write(std::string_view data) override {
    body += data;
    co_return true;
  }
  bool client_gone() const override { return false; }
  std::string body;
};

mcp::Tool echo_tool() {
  mcp::Tool t;
  t.name = "echo";
  t.description = "Echoes its arguments";
  t.input_schema = kaos::parse_json(R"({"type":"object","properties":{
      "a":{"type":"integer","minimum":0,"maximum":100},"s":{"type":"string","maxLength":16},
      "xs":{"type":"array","items":{"type":"number"}},"e":{"enum":["x","y"]},
      "o":{"type":"object","properties":{"k":{"type":"boolean"}},"required":["k"]},
      "u":{"anyOf":[{"type":"string"},{"type":"null"}]}},"required":["a"]})")
                       ->as_object();
  t.handler = [](const json::object& args, mcp::CallContext& ctx) -> net::Task<mcp::ToolResult> {
    ctx.progress(1, 2, "half");
    ctx.log("info", json::value("echo"));
    co_return mcp::ToolResult::text(kaos::to_json(args));
  };
  return t;
}

struct Fixture {
  boost::asio::io_context io;
  mcp::McpServer server;
  net::Router router;

  Fixture() : server(io.get_executor(), mcp::ServerInfo{"fuzz", "", "1", ""}, options()) {
    server.add_tool(echo_tool());
    mcp::Resource r;
    r.uri = "mem://a";
    r.name = "a";
    r.mime_type = "text/plain";
    r.read = [](const std::string& uri) -> net::Task<kaos::Result<std::vector<mcp::ResourceContents>>> {
      co_return std::vector<mcp::ResourceContents>{{uri, "text/plain", std::string("A"), std::nullopt}};
    };
    server.add_resource(std::move(r));
    mcp::Prompt p;
    p.name = "greet";
    p.arguments = {{"name", "who", true, {"alice", "bob"}}};
    p.get = [](const std::map<std::string, std::string>& args) -> net::Task<kaos::Result<json::array>> {
      co_return json::array{
          json::object{{"role", "user"}, {"content", json::object{{"type", "text"}, {"text", "hi"}}}}};
    };
    server.add_prompt(std::move(p));
    server.set_page_size(1);
    server.set_ready(true);
    server.mount(router);
  }
  static mcp::TransportOptions options() {
    mcp::TransportOptions o;
    o.max_sessions = 8;
    return o;
  }
};

net::Request post(std::string body, const std::string& session) {
  net::Request req;
  req.method = "POST";
  req.target = req.path = "/mcp";
  req.headers.add("Host", "127.0.0.1:8000");
  req.headers.add("Content-Type", "application/json");
  req.headers.add("Accept", "application/json, text/event-stream");
  if (!session.empty()) {
    req.headers.add("Mcp-Session-Id", session);
    req.headers.add("MCP-Protocol-Version", "2025-06-18");
  }
  req.body = std::move(body);
  req.remote_address = "127.0.0.1";
  return req;
}

struct Answer {
  int status = 0;
  std::string session;
  std::string body;
  bool json = false;
};

net::Task<Answer> send(const net::Router& router, net::Request req) {
  auto res = co_await router.dispatch(req);
  Answer a;
  a.status = res.status;
  a.session = std::string(res.headers.get("Mcp-Session-Id").value_or(""));
  a.json = res.headers.get("Content-Type").value_or("").starts_with("application/json");
  if (res.stream) {
    Collect out;
    co_await res.stream(out);
    a.body = std::move(out.body);
  } else {
    a.body = std::move(res.body);
  }
  co_return a;
}

net::Task<void> exchange(Fixture& f, std::string message) {
  auto init = co_await send(f.router, post(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{
      "protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}})",
                                           ""));
  FUZZ_CHECK(init.status == 200 && !init.session.empty(), "initialize failed");
  (void)co_await send(f.router, post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", init.session));
  auto a = co_await send(f.router, post(std::move(message), init.session));
  FUZZ_CHECK(a.status >= 200 && a.status < 500, "a message got a 5xx or no status");
  if (a.json && !a.body.empty()) FUZZ_CHECK(kaos::parse_json(a.body, 1000).has_value(), "a JSON answer is not JSON");
  net::Request del;
  del.method = "DELETE";
  del.target = del.path = "/mcp";
  del.headers.add("Host", "127.0.0.1:8000");
  del.headers.add("Mcp-Session-Id", init.session);
  del.headers.add("MCP-Protocol-Version", "2025-06-18");
  (void)co_await send(f.router, std::move(del));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture* f = new Fixture();  // lives for the whole run, like the server
  bool done = false;
  boost::asio::co_spawn(f->io, exchange(*f, std::string(reinterpret_cast<const char*>(data), size)),
                        [&done](std::exception_ptr e) {
                          done = true;
                          if (e) std::rethrow_exception(e);
                        });
  f->io.restart();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done) {
    f->io.run_one_for(std::chrono::milliseconds(100));
    FUZZ_CHECK(std::chrono::steady_clock::now() < deadline, "an exchange did not finish in 10 s");
  }
  return 0;
}
