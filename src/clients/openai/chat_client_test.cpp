#include "clients/openai/chat_client.hpp"

#include <gtest/gtest.h>

#include "net/server.hpp"
#include "net/testing.hpp"

namespace kaos::clients::openai {
namespace {

TEST(ChatBaseUrl, AppendsV1Once) {
  EXPECT_EQ(chat_base_url("http://h:8000"), "http://h:8000/v1");
  EXPECT_EQ(chat_base_url("http://h:8000/"), "http://h:8000/v1");
  EXPECT_EQ(chat_base_url("http://h:8000/v1"), "http://h:8000/v1");
  EXPECT_EQ(chat_base_url("http://h:8000/v1/"), "http://h:8000/v1");
}

TEST(ParseChatCompletion, TextAndUsage) {
  auto r = parse_chat_completion(
      R"({"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->content, "hi");
  EXPECT_TRUE(r->tool_calls.empty());
  EXPECT_TRUE(r->has_usage);
  EXPECT_EQ(r->usage.prompt_tokens, 3);
  EXPECT_EQ(r->usage.completion_tokens, 1);
}

TEST(ParseChatCompletion, ToolCallsKeepArgumentTextAndDefaultIds) {
  auto r = parse_chat_completion(
      R"({"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[)"
      R"({"id":"c1","type":"function","function":{"name":"add","arguments":"{\"a\":1}"}},)"
      R"({"type":"function","function":{"name":"echo","arguments":{"text":"x"}}}]},"finish_reason":"tool_calls"}]})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->tool_calls.size(), 2u);
  EXPECT_EQ(r->tool_calls[0].id, "c1");
  EXPECT_EQ(r->tool_calls[0].arguments, R"({"a":1})");
  EXPECT_EQ(r->tool_calls[1].name, "echo");
  EXPECT_FALSE(r->tool_calls[1].id.empty());
  EXPECT_EQ(r->tool_calls[1].arguments, R"({"text":"x"})");
  EXPECT_FALSE(r->has_usage);
}

TEST(ParseChatCompletion, GarbageIsAProtocolError) {
  for (const char* body : {"not json", "[]", R"({"choices":[]})", R"({"choices":[{"message":"x"}]})",
                           R"({"choices":[{"message":{"tool_calls":[{"function":{}}]}}]})"}) {
    auto r = parse_chat_completion(body);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().kind, ErrorKind::protocol) << body;
  }
}

// A real server on loopback: the request the client sends, and how it reads error answers.
TEST(ChatClient, SendsBodyAndHeadersAndReadsUpstreamErrors) {
  net::testing::Loop loop(1);
  auto router = std::make_shared<net::Router>();
  std::string seen_body, seen_auth, seen_trace;
  router->post("/v1/chat/completions", [&](net::Request& req) -> net::Task<net::Response> {
    seen_body = req.body;
    seen_auth = std::string(req.headers.get("Authorization").value_or(""));
    seen_trace = std::string(req.headers.get("traceparent").value_or(""));
    if (req.body.find("fail") != std::string::npos)
      co_return net::Response::json(429, R"({"error":{"message":"slow down","type":"rate_limit"}})");
    co_return net::Response::json(200, R"({"choices":[{"message":{"role":"assistant","content":"ok"}}]})");
  });
  net::Server server(loop.executor(), net::ServerOptions{.host = "127.0.0.1", .port = 0}, router);
  ASSERT_TRUE(server.listen());
  server.start();
  net::HttpClient http(loop.executor());
  ChatClient client(http, chat_base_url("http://127.0.0.1:" + std::to_string(server.port())), "sk-test");

  auto call = [&](std::string text) -> net::Task<Result<ChatReply>> {
    json::object body;
    body["model"] = "m";
    json::array messages;
    json::object user;
    user["role"] = "user";
    user["content"] = text;
    messages.push_back(std::move(user));
    body["messages"] = std::move(messages);
    net::Headers headers;
    headers.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    co_return co_await client.complete(body, headers, std::chrono::seconds(5));
  };
  auto ok = loop.run(call("hello"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->content, "ok");
  EXPECT_NE(seen_body.find(R"("content":"hello")"), std::string::npos);
  EXPECT_EQ(seen_auth, "Bearer sk-test");
  EXPECT_EQ(seen_trace, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

  auto bad = loop.run(call("fail"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::upstream);
  EXPECT_NE(bad.error().message.find("429"), std::string::npos);
  EXPECT_NE(bad.error().message.find("slow down"), std::string::npos);
  loop.run(server.shutdown());
}

}  // namespace
}  // namespace kaos::clients::openai
