#include <gtest/gtest.h>

#include "servers/modelapi/mock.hpp"

using namespace kaos;
using namespace kaos::modelapi;

namespace {
json::object req(std::string_view s) {
  auto v = parse_json(s);
  EXPECT_TRUE(v) << s;
  return v->get_object();
}
}  // namespace

TEST(Mock, ReplyToLastUserMessage) {
  auto r = mock::reply_to(req(R"({"model":"m","messages":[{"role":"system","content":"be nice"},
                                   {"role":"user","content":"Hello there"}]})"),
                          {});
  EXPECT_EQ(r.content, "Mock response to: Hello there");
  EXPECT_EQ(r.usage.prompt_tokens, 4);
  EXPECT_EQ(r.usage.completion_tokens, 5);
  EXPECT_EQ(r.finish_reason(), "stop");
  auto again = mock::reply_to(req(R"({"model":"m","messages":[{"role":"user","content":"Hello there"}]})"), {});
  EXPECT_EQ(again.id, r.id);
  EXPECT_EQ(r.id.rfind("chatcmpl-mock-", 0), 0u);
}

TEST(Mock, FixedResponse) {
  MockSettings s;
  s.response = "fixed";
  EXPECT_EQ(mock::reply_to(req(R"({"model":"m","messages":[{"role":"user","content":"x"}]})"), s).content, "fixed");
  EXPECT_EQ(mock::reply_to(req(R"({"model":"m","mock_response":"per","messages":[{"role":"user","content":"x"}]})"), {})
                .content,
            "per");
}

TEST(Mock, ToolCallWhenNamedWithJsonArguments) {
  const char* body = R"({"model":"m","tools":[
      {"type":"function","function":{"name":"search","parameters":{}}},
      {"type":"function","function":{"name":"get_weather","parameters":{}}}],
    "messages":[{"role":"user","content":"please get_weather {\"city\": \"Paris\", \"days\": 2} thanks"}]})";
  auto r = mock::reply_to(req(body), {});
  ASSERT_EQ(r.tool_calls.size(), 1u);
  EXPECT_EQ(r.tool_calls[0].name, "get_weather");
  EXPECT_EQ(r.tool_calls[0].arguments, R"({"city":"Paris","days":2})");
  EXPECT_EQ(r.tool_calls[0].id.rfind("call_", 0), 0u);
  EXPECT_EQ(r.finish_reason(), "tool_calls");
  EXPECT_EQ(r.usage.completion_tokens, 2);  // 1 + one word: {"city":"Paris","days":2}
  EXPECT_EQ(mock::reply_to(req(body), {}).tool_calls[0].id, r.tool_calls[0].id);
}

TEST(Mock, ToolChoiceRules) {
  auto none = mock::reply_to(req(R"({"model":"m","tool_choice":"none","tools":[{"function":{"name":"f"}}],
                                    "messages":[{"role":"user","content":"call f"}]})"),
                             {});
  EXPECT_TRUE(none.tool_calls.empty());
  auto required = mock::reply_to(req(R"({"model":"m","tool_choice":"required","tools":[{"function":{"name":"f"}}],
                                        "messages":[{"role":"user","content":"nothing named"}]})"),
                                 {});
  ASSERT_EQ(required.tool_calls.size(), 1u);
  EXPECT_EQ(required.tool_calls[0].arguments, "{}");
  auto not_named = mock::reply_to(req(R"({"model":"m","tools":[{"function":{"name":"f"}}],
                                         "messages":[{"role":"user","content":"hello"}]})"),
                                  {});
  EXPECT_TRUE(not_named.tool_calls.empty());
}

TEST(Mock, AnswersWithToolResults) {
  auto r = mock::reply_to(req(R"({"model":"m","tools":[{"function":{"name":"f"}}],"messages":[
      {"role":"user","content":"call f"},
      {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},
                                                       {"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"22 degrees"},
      {"role":"tool","tool_call_id":"c2","content":[{"type":"text","text":"sunny"}]}]})"),
                          {});
  EXPECT_TRUE(r.tool_calls.empty());
  EXPECT_EQ(r.content, "22 degrees\nsunny");
}

TEST(Mock, StreamingChunks) {
  auto r = mock::reply_to(req(R"({"model":"m","messages":[{"role":"user","content":"a b"}]})"), {});
  auto chunks = mock::chunk_payloads(r, "m", 7, 0, true);
  // role, "Mock", " response", " to:", " a", " b", finish, usage
  ASSERT_EQ(chunks.size(), 8u);
  auto delta = [&](std::size_t i) { return parse_json(chunks[i])->at("choices").at(0).at("delta"); };
  EXPECT_EQ(to_json(delta(0)), R"({"role":"assistant","content":""})");
  std::string text;
  for (std::size_t i = 1; i <= 5; ++i) text += delta(i).at("content").as_string();
  EXPECT_EQ(text, r.content);
  EXPECT_EQ(parse_json(chunks[6])->at("choices").at(0).at("finish_reason").as_string(), "stop");
  EXPECT_EQ(parse_json(chunks[7])->at("usage").at("completion_tokens").as_int64(), 5);
  EXPECT_EQ(mock::chunk_payloads(r, "m", 7, 2, false).size(), 4u);
  EXPECT_EQ(mock::split_content("one two three four five", 2),
            (std::vector<std::string>{"one two three", " four five"}));
}

TEST(Mock, StreamingToolCall) {
  auto r = mock::reply_to(req(R"({"model":"m","tools":[{"function":{"name":"f"}}],
                                  "messages":[{"role":"user","content":"f {\"x\":1}"}]})"),
                          {});
  auto chunks = mock::chunk_payloads(r, "m", 7, 0, false);
  ASSERT_EQ(chunks.size(), 3u);
  auto d0 = parse_json(chunks[0])->at("choices").at(0).at("delta");
  EXPECT_EQ(d0.at("role").as_string(), "assistant");
  EXPECT_EQ(d0.at("tool_calls").at(0).at("function").at("name").as_string(), "f");
  EXPECT_EQ(parse_json(chunks[1])
                ->at("choices")
                .at(0)
                .at("delta")
                .at("tool_calls")
                .at(0)
                .at("function")
                .at("arguments")
                .as_string(),
            R"({"x":1})");
  EXPECT_EQ(parse_json(chunks[2])->at("choices").at(0).at("finish_reason").as_string(), "tool_calls");
}

TEST(Mock, Embeddings) {
  auto a = mock::embedding_for("hello", 8);
  EXPECT_EQ(a, mock::embedding_for("hello", 8));
  EXPECT_NE(a, mock::embedding_for("hellp", 8));
  double n = 0;
  for (float f : a) n += f * f;
  EXPECT_NEAR(n, 1.0, 1e-5);
  protocol::openai::EmbeddingsRequestInfo info;
  info.inputs = {"a b", "c"};
  auto j = parse_json(mock::embeddings_json(info, "e", 4));
  EXPECT_EQ(j->at("data").as_array().size(), 2u);
  EXPECT_EQ(j->at("data").at(1).at("embedding").as_array().size(), 4u);
  EXPECT_EQ(j->at("usage").at("prompt_tokens").as_int64(), 3);
  info.encoding_format = "base64";
  auto b = parse_json(mock::embeddings_json(info, "e", 4));
  EXPECT_EQ(b->at("data").at(0).at("embedding").as_string().size(), 24u);  // 16 bytes → 24 chars
}

TEST(Mock, EmbeddingsAreBoundedByInputsTimesDimensions) {
  protocol::openai::EmbeddingsRequestInfo info;
  info.inputs.assign(300, "x");
  EXPECT_FALSE(mock::embeddings_too_large(info, 16));
  info.dimensions = 65'536;  // the issue's 1.5 KB request that got a 429 MB answer
  auto why = mock::embeddings_too_large(info, 16);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("300 inputs"), std::string::npos);
  EXPECT_NE(why->find(std::to_string(mock::kMaxEmbeddingValues)), std::string::npos);
  info.inputs.assign(16, "x");  // exactly at the limit: 16 × 65,536 = 2^20
  EXPECT_FALSE(mock::embeddings_too_large(info, 16));
  info.inputs.push_back("x");
  EXPECT_TRUE(mock::embeddings_too_large(info, 16));
}
