// A2aClient against stand-in peers built on net::Server in this process: a 1.0 agent that
// answers with protocol::a2a's shapes, a KAOS-era agent with only /.well-known/agent.json,
// JSON-RPC errors, HTTP errors, and the chat-completions fallback.
#include "clients/a2a/a2a_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <mutex>

#include "net/router.hpp"
#include "net/server.hpp"
#include "net/testing.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace kaos::clients::a2a {
namespace {

namespace pa = protocol::a2a;
using net::testing::Loop;

// What the stand-in peer saw, for assertions.
struct Seen {
  std::mutex mu;
  std::vector<std::string> paths;
  std::string last_method;
  std::string last_version_header;
  json::value last_params;
  std::string last_chat_body;
};

// Answers are built in plain functions: GCC 12 mis-handles braced lists inside coroutines.
pa::Task answer_task(const pa::SendParams& p) {
  pa::Task t;
  t.id = "task_000000000001";
  t.context_id = p.context_id.empty() ? "session_new" : p.context_id;
  t.state = pa::TaskState::completed;
  t.history.push_back({"user", p.text, p.message_id, t.context_id, t.id, {}});
  t.history.push_back({"agent", "echo: " + p.text, "", t.context_id, t.id, {}});
  t.output = "echo: " + p.text;
  return t;
}

std::string rpc_answer(const json::value& id, const std::string& method, const json::value& params) {
  auto info = pa::lookup_method(method);
  if (!info) {
    return protocol::jsonrpc::error_json(id, {protocol::jsonrpc::kMethodNotFound, "Method not found: " + method, {}});
  }
  if (info->kind == pa::MethodKind::send) {
    auto p = pa::parse_send_params(params, info->dialect);
    if (!p) return protocol::jsonrpc::error_json(id, {protocol::jsonrpc::kInvalidParams, p.error().message, {}});
    return protocol::jsonrpc::result_json(id, pa::send_result_json(answer_task(*p), info->dialect));
  }
  if (info->kind == pa::MethodKind::list) {
    return protocol::jsonrpc::result_json(id, pa::list_result_json({}, info->dialect));
  }
  auto p = pa::parse_task_id_params(params);
  if (!p) return protocol::jsonrpc::error_json(id, {protocol::jsonrpc::kInvalidParams, p.error().message, {}});
  return protocol::jsonrpc::error_json(id, {pa::kTaskNotFound, pa::task_not_found_message(p->id), {}});
}

std::string card_body(std::uint16_t port) {
  pa::CardInfo info{"peer", "A test peer", "http://127.0.0.1:" + std::to_string(port), "1.0.0", {}, true, true};
  return to_json(pa::agent_card_json(info));
}

std::string chat_answer(const std::string& content) {
  json::object msg{{"role", "assistant"}, {"content", content}};
  json::object choice{{"index", 0}, {"message", msg}, {"finish_reason", "stop"}};
  return to_json(json::object{{"id", "session_x"}, {"object", "chat.completion"}, {"choices", json::array{choice}}});
}

/// A peer on a free loopback port. `modern` serves /.well-known/agent-card.json; otherwise only
/// KAOS's /.well-known/agent.json exists. `chat_fails` makes /v1/chat/completions answer 500.
class Peer {
 public:
  Peer(Loop& loop, bool modern, bool chat_fails = false) : loop_(loop) {
    auto r = std::make_shared<net::Router>();
    r->use([this](net::Request& req, const net::Handler& next) -> net::Task<net::Response> {
      {
        std::lock_guard lock(seen.mu);
        seen.paths.push_back(req.path);
        seen.last_version_header = std::string(req.headers.get("A2A-Version").value_or(""));
      }
      co_return co_await next(req);
    });
    r->get(
        modern ? "/.well-known/agent-card.json" : "/.well-known/agent.json",
        [this](net::Request&) -> net::Task<net::Response> { co_return net::Response::json(200, card_body(port())); });
    r->post("/", [this](net::Request& req) -> net::Task<net::Response> {
      auto body = parse_json(req.body)->as_object();
      auto method = std::string(body.at("method").as_string());
      {
        std::lock_guard lock(seen.mu);
        seen.last_method = method;
        seen.last_params = body.at("params");
      }
      co_return net::Response::json(200, rpc_answer(body.at("id"), method, body.at("params")));
    });
    r->post("/v1/chat/completions", [this, chat_fails](net::Request& req) -> net::Task<net::Response> {
      {
        std::lock_guard lock(seen.mu);
        seen.last_chat_body = req.body;
      }
      if (chat_fails) co_return net::Response::json(500, R"({"detail":"model exploded"})");
      co_return net::Response::json(200, chat_answer("from chat"));
    });
    net::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    server_ = std::make_unique<net::Server>(loop.executor(), o, r);
    EXPECT_TRUE(server_->listen().has_value());
    server_->start();
  }
  ~Peer() { loop_.run(server_->shutdown()); }
  std::uint16_t port() const { return server_->port(); }
  std::string url(std::string_view path = "") const {
    return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }

  Seen seen;

 private:
  Loop& loop_;
  std::unique_ptr<net::Server> server_;
};

TEST(A2aClient, FetchesTheOneDotZeroCardFirst) {
  Loop loop;
  Peer peer(loop, /*modern=*/true);
  net::HttpClient http(loop.executor());
  A2aClient client(http);
  auto card = loop.run(client.fetch_card(peer.url("/")));  // trailing slash is trimmed
  ASSERT_TRUE(card.has_value()) << card.error().message;
  EXPECT_EQ(card->name, "peer");
  EXPECT_EQ(card->jsonrpc_url, peer.url("/"));
  EXPECT_EQ(card->protocol_version, "1.0");
  EXPECT_TRUE(card->supports_jsonrpc);
  EXPECT_EQ(peer.seen.paths, std::vector<std::string>{"/.well-known/agent-card.json"});
  EXPECT_EQ(peer.seen.last_version_header, "1.0");
}

TEST(A2aClient, FallsBackToTheKaosCardPath) {
  Loop loop;
  Peer peer(loop, /*modern=*/false);
  net::HttpClient http(loop.executor());
  A2aClient client(http);
  auto card = loop.run(client.fetch_card(peer.url()));
  ASSERT_TRUE(card.has_value()) << card.error().message;
  EXPECT_EQ(card->description, "A test peer");
  const std::vector<std::string> both{"/.well-known/agent-card.json", "/.well-known/agent.json"};
  EXPECT_EQ(peer.seen.paths, both);
}

TEST(A2aClient, NoCardAtAllNamesBothAttempts) {
  Loop loop;
  Peer peer(loop, /*modern=*/false);
  net::HttpClient http(loop.executor());
  A2aClient client(http);
  auto card = loop.run(client.fetch_card(peer.url("/sub")));
  ASSERT_FALSE(card.has_value());
  EXPECT_EQ(card.error().kind, ErrorKind::not_found);
  EXPECT_NE(card.error().message.find("agent-card.json"), std::string::npos) << card.error().message;
  EXPECT_NE(card.error().message.find("HTTP 404"), std::string::npos) << card.error().message;
}

TEST(A2aClient, SendMessageSpeaksOneDotZeroAndReturnsTheReply) {
  Loop loop;
  Peer peer(loop, true);
  net::HttpClient http(loop.executor());
  A2aClient client(http);
  json::object md{{"delegation", true}};
  auto reply = loop.run(client.send_message(peer.url("/"), "hello", "ctx-1", md));
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(*reply, "echo: hello");
  std::lock_guard lock(peer.seen.mu);
  EXPECT_EQ(peer.seen.last_method, "SendMessage");
  const auto& msg = peer.seen.last_params.at("message");
  EXPECT_EQ(msg.at("role"), "ROLE_USER");
  EXPECT_EQ(msg.at("parts"), json::value(json::array{json::object{{"text", "hello"}}}));
  EXPECT_EQ(msg.at("contextId"), "ctx-1");
  EXPECT_EQ(msg.at("metadata").at("delegation"), true);
  EXPECT_FALSE(msg.at("messageId").as_string().empty());
}

TEST(A2aClient, SendMessageInTheOtherDialects) {
  Loop loop;
  Peer peer(loop, true);
  net::HttpClient http(loop.executor());
  A2aClient client(http);
  auto v03 = loop.run(client.send_message(peer.url("/"), "a", "", {}, {}, kDefaultTimeout, pa::Dialect::v03));
  ASSERT_TRUE(v03.has_value()) << v03.error().message;
  EXPECT_EQ(*v03, "echo: a");
  EXPECT_EQ(peer.seen.last_method, "message/send");
  auto kaos = loop.run(client.send_message(peer.url("/"), "b", "s1", {}, {}, kDefaultTimeout, pa::Dialect::kaos));
  ASSERT_TRUE(kaos.has_value()) << kaos.error().message;
  EXPECT_EQ(*kaos, "echo: b");
  EXPECT_EQ(peer.seen.last_method, "tasks/send");
  EXPECT_EQ(peer.seen.last_params.at("sessionId"), "s1");
}

TEST(A2aClient, JsonRpcErrorsBecomeRpcErrors) {
  Loop loop;
  Peer peer(loop, true);
  net::HttpClient http(loop.executor());
  A2aClient client(http);
  auto got = loop.run(client.get_task(peer.url("/"), "task_missing"));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, ErrorKind::rpc);
  EXPECT_EQ(got.error().message, "Task not found: task_missing");
  EXPECT_EQ(peer.seen.last_method, "GetTask");
  auto cancel = loop.run(client.cancel_task(peer.url("/"), "t2", {}, kDefaultTimeout, pa::Dialect::kaos));
  ASSERT_FALSE(cancel.has_value());
  EXPECT_EQ(peer.seen.last_method, "tasks/cancel");
  auto unknown = loop.run(client.call(peer.url("/"), "tasks/nope", json::object{}));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message, "Method not found: tasks/nope");
  auto list = loop.run(client.list_tasks(peer.url("/"), json::object{}));
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_EQ(list->at("totalSize"), 0);
  EXPECT_EQ(peer.seen.last_method, "ListTasks");
}

TEST(A2aClient, HttpErrorsAndUnreachablePeers) {
  Loop loop;
  Peer peer(loop, true);
  net::HttpClient http(loop.executor());
  A2aClient client(http);
  auto wrong_path = loop.run(client.call(peer.url("/nowhere"), "GetTask", json::object{{"id", "x"}}));
  ASSERT_FALSE(wrong_path.has_value());
  EXPECT_EQ(wrong_path.error().kind, ErrorKind::http);
  EXPECT_NE(wrong_path.error().message.find("HTTP 404"), std::string::npos) << wrong_path.error().message;

  std::uint16_t closed_port;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  auto down = loop.run(client.fetch_card("http://127.0.0.1:" + std::to_string(closed_port)));
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().kind, ErrorKind::connect) << down.error().message;
}

TEST(A2aClient, ChatFallback) {
  Loop loop;
  Peer peer(loop, true);
  net::HttpClient http(loop.executor());
  A2aClient client(http);
  json::array messages{json::object{{"role", "task-delegation"}, {"content", "do it"}}};
  auto reply = loop.run(client.chat_fallback(peer.url("/"), "peer", messages));
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(*reply, "from chat");
  auto sent = parse_json(peer.seen.last_chat_body)->as_object();
  EXPECT_EQ(sent.at("model"), "peer");
  EXPECT_EQ(sent.at("stream"), false);
  EXPECT_EQ(sent.at("messages"), json::value(messages));

  Peer failing(loop, true, /*chat_fails=*/true);
  auto failed = loop.run(client.chat_fallback(failing.url(), "peer", messages));
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().kind, ErrorKind::http);
  EXPECT_NE(failed.error().message.find("model exploded"), std::string::npos) << failed.error().message;
}

}  // namespace
}  // namespace kaos::clients::a2a
