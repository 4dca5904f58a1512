#include "servers/agent/model.hpp"

#include <gtest/gtest.h>

#include "net/testing.hpp"

namespace kaos::agent {
namespace {

TEST(MockReply, ToolCallsBecomeCallsWithDefaultIds) {
  auto r = mock_reply(
      R"({"tool_calls":[{"name":"add","arguments":{"a":1}},{"id":"x","name":"echo","arguments":"{\"t\":1}"}]})");
  ASSERT_EQ(r.tool_calls.size(), 2u);
  EXPECT_EQ(r.tool_calls[0].id, "mock_add");
  EXPECT_EQ(r.tool_calls[0].arguments, R"({"a":1})");
  EXPECT_EQ(r.tool_calls[1].id, "x");
  EXPECT_EQ(r.tool_calls[1].arguments, R"({"t":1})");
  EXPECT_TRUE(r.content.empty());
}

TEST(MockReply, AnythingElseIsText) {
  EXPECT_EQ(mock_reply("hello").content, "hello");
  EXPECT_EQ(mock_reply(R"({"answer":1})").content, R"({"answer":1})");
  EXPECT_TRUE(mock_reply(R"({"answer":1})").tool_calls.empty());
}

// KAOS's older formats (its kaos-framework e2e tests, test_mcp_tools_e2e / test_multi_agent_e2e):
// a bare {"tool","arguments"} object, and ```tool_call / ```delegate blocks inside a text reply.
TEST(MockReply, KaosOlderToolObjectIsACall) {
  auto r = mock_reply(R"({"tool": "echo", "arguments": {"message": "hi"}})");
  ASSERT_EQ(r.tool_calls.size(), 1u);
  EXPECT_EQ(r.tool_calls[0].name, "echo");
  EXPECT_EQ(r.tool_calls[0].id, "mock_echo");
  EXPECT_EQ(r.tool_calls[0].arguments, R"({"message":"hi"})");
  EXPECT_TRUE(r.content.empty());
  auto no_args = mock_reply(R"({"tool": "ping"})");
  ASSERT_EQ(no_args.tool_calls.size(), 1u);
  EXPECT_EQ(no_args.tool_calls[0].arguments, "{}");
  // A "tool" that is not a name is text.
  EXPECT_TRUE(mock_reply(R"({"tool": 3, "arguments": {}})").tool_calls.empty());
}

TEST(MockReply, FencedToolCallBlockIsACallAndItsTextTheContent) {
  auto r = mock_reply(
      "I'll use the echo tool to help you.\n```tool_call\n{\"tool\": \"echo\", \"arguments\": {\"message\": \"Task 7 "
      "processed\"}}\n```");
  ASSERT_EQ(r.tool_calls.size(), 1u);
  EXPECT_EQ(r.tool_calls[0].name, "echo");
  EXPECT_EQ(r.tool_calls[0].arguments, R"({"message":"Task 7 processed"})");
  EXPECT_EQ(r.content, "I'll use the echo tool to help you.");
}

TEST(MockReply, FencedDelegateBlockCallsTheDelegationTool) {
  auto r = mock_reply(
      "I'll delegate this task to the worker.\n```delegate\n{\"agent\": \"multi-w1\", \"task\": "
      "\"Process task 9\"}\n```\nThanks.");
  ASSERT_EQ(r.tool_calls.size(), 1u);
  EXPECT_EQ(r.tool_calls[0].name, "delegate_to_multi-w1");
  EXPECT_EQ(r.tool_calls[0].arguments, R"({"task":"Process task 9"})");
  EXPECT_EQ(r.content, "I'll delegate this task to the worker.\nThanks.");
}

TEST(MockReply, TextThatOnlyLooksLikeABlockStaysText) {
  for (const char* text : {"```tool_calls\n{\"tool\": \"echo\"}\n```",  // another tag
                           "```tool_call\n{not json}\n```",             // not JSON
                           "```tool_call\n{\"name\": \"echo\"}\n```",   // no "tool"
                           "```delegate\n{\"task\": \"x\"}\n```",       // no "agent"
                           "```tool_call {\"tool\": \"echo\"}```",      // no line break after the tag
                           "```tool_call\n{\"tool\": \"echo\"}"}) {     // never closed
    auto r = mock_reply(text);
    EXPECT_TRUE(r.tool_calls.empty()) << text;
    EXPECT_EQ(r.content, text);
  }
  // A tool_call block wins over a delegate block, as in KAOS.
  auto both = mock_reply("```delegate\n{\"agent\":\"w\",\"task\":\"t\"}\n```\n```tool_call\n{\"tool\":\"echo\"}\n```");
  ASSERT_EQ(both.tool_calls.size(), 1u);
  EXPECT_EQ(both.tool_calls[0].name, "echo");
}

TEST(MockModel, ListRestartsPerSessionAndEndsWithNotice) {
  AgentConfig c;
  c.mock_responses = std::vector<std::string>{"first"};
  auto model = make_model(c, nullptr);
  for (int round = 0; round < 2; ++round) {
    auto s = model->session();
    net::testing::Loop loop(1);
    auto two = [&]() -> net::Task<std::vector<std::string>> {
      json::array none;
      ToolDefinitions no_tools;
      net::Headers headers;
      std::vector<std::string> got;
      for (int i = 0; i < 2; ++i) {
        auto r = co_await s->complete(none, no_tools, headers);
        got.push_back(r ? r->content : "error");
      }
      co_return got;
    };
    EXPECT_EQ(loop.run(two()), (std::vector<std::string>{"first", "[no more mock responses]"}));
  }
}

TEST(ChatRequestBody, IsTheSerializedObjectWithToolsAppended) {
  auto msgs = parse_json(R"([{"role":"system","content":"Be \"brief\"."},{"role":"user","content":"2+2?"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"add","arguments":"{\"a\":2}"}}]}])");
  auto tools = parse_json(
      R"([{"type":"function","function":{"name":"add","description":"Adds","parameters":{"type":"object"}}}])");
  ASSERT_TRUE(msgs && tools);
  const std::string model = "m\"odel";
  ToolDefinitions defs(tools->get_array());
  EXPECT_EQ(defs.text, to_json(*tools));
  json::object expected;
  expected["model"] = model;
  expected["messages"] = msgs->get_array();
  expected["tools"] = tools->get_array();
  EXPECT_EQ(chat_request_body(model, msgs->get_array(), defs), to_json(expected));
  json::object no_tools;
  no_tools["model"] = model;
  no_tools["messages"] = msgs->get_array();
  EXPECT_EQ(chat_request_body(model, msgs->get_array(), ToolDefinitions{}), to_json(no_tools));
  EXPECT_TRUE(ToolDefinitions(json::array{}).text.empty());
  // A long conversation (more than the serializer's first chunk) comes out whole.
  json::array many;
  for (int i = 0; i < 500; ++i) {
    json::object m;
    m["role"] = "user";
    m["content"] = std::string(100, static_cast<char>('a' + i % 26));
    many.push_back(std::move(m));
  }
  json::object big;
  big["model"] = model;
  big["messages"] = many;
  big["tools"] = tools->get_array();
  EXPECT_EQ(chat_request_body(model, many, defs), to_json(big));
}

TEST(StringMode, ParsesFencedBareAndSingleCalls) {
  auto fenced =
      parse_string_mode_calls("Sure.\n```json\n{\"tool_calls\":[{\"name\":\"add\",\"arguments\":{\"a\":2}}]}\n```");
  ASSERT_EQ(fenced.size(), 1u);
  EXPECT_EQ(fenced[0].name, "add");
  EXPECT_EQ(fenced[0].id, "string_add");
  auto bare = parse_string_mode_calls(R"({"name":"echo","arguments":{"text":"hi"}})");
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_EQ(bare[0].arguments, R"({"text":"hi"})");
  EXPECT_TRUE(parse_string_mode_calls("The answer is 4.").empty());
  EXPECT_TRUE(parse_string_mode_calls("{not json}").empty());
  EXPECT_TRUE(parse_string_mode_calls(R"({"result": 4})").empty());
  // KAOS's older text protocol (its string-mode instructions before native calls).
  auto legacy =
      parse_string_mode_calls("Using a tool.\n```tool_call\n{\"tool\": \"add\", \"arguments\": {\"a\": 1}}\n```");
  ASSERT_EQ(legacy.size(), 1u);
  EXPECT_EQ(legacy[0].name, "add");
  EXPECT_EQ(legacy[0].id, "string_add");
  auto delegate = parse_string_mode_calls("```delegate\n{\"agent\": \"w\", \"task\": \"t\"}\n```");
  ASSERT_EQ(delegate.size(), 1u);
  EXPECT_EQ(delegate[0].name, "delegate_to_w");
  auto bare_tool = parse_string_mode_calls(R"({"tool": "echo", "arguments": {"text": "hi"}})");
  ASSERT_EQ(bare_tool.size(), 1u);
  EXPECT_EQ(bare_tool[0].name, "echo");
}

TEST(StringMode, HistoryBecomesPlainChat) {
  auto tools = parse_json(
      R"([{"type":"function","function":{"name":"add","description":"Adds","parameters":{"type":"object"}}}])");
  auto msgs = parse_json(R"([{"role":"system","content":"Be brief."},{"role":"user","content":"2+2?"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"add","arguments":"{\"a\":2}"}}]},
    {"role":"tool","tool_call_id":"c","content":"4"}])");
  ASSERT_TRUE(tools && msgs);
  auto plain = string_mode_messages(msgs->get_array(), tools->get_array());
  ASSERT_EQ(plain.size(), 4u);
  auto sys = std::string(plain[0].at("content").get_string());
  EXPECT_NE(sys.find("Be brief."), std::string::npos);
  EXPECT_NE(sys.find("- add: Adds"), std::string::npos);
  EXPECT_NE(sys.find("respond ONLY with a JSON object"), std::string::npos);
  EXPECT_EQ(plain[2].at("role").get_string(), "assistant");
  EXPECT_EQ(plain[2].at("content").get_string(), R"({"tool_calls":[{"name":"add","arguments":{"a":2}}]})");
  EXPECT_EQ(plain[3].at("role").get_string(), "user");
  EXPECT_EQ(plain[3].at("content").get_string(), "Tool result: 4");
  for (const auto& m : plain) EXPECT_FALSE(m.get_object().contains("tool_calls"));
}

}  // namespace
}  // namespace kaos::agent
