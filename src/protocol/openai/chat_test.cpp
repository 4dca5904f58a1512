#include <gtest/gtest.h>

#include "protocol/openai/chat.hpp"
#include "protocol/openai/embeddings.hpp"

using namespace kaos;
using namespace kaos::protocol::openai;

namespace {
std::optional<FieldError> check(std::string_view body, ChatRequestInfo& info) {
  auto v = parse_json(body);
  EXPECT_TRUE(v) << body;
  static json::value keep;
  keep = std::move(*v);
  return validate_chat_request(keep.get_object(), info);
}
}  // namespace

TEST(OpenAIChat, ValidRequest) {
  ChatRequestInfo info;
  auto e = check(R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,
                     "stream_options":{"include_usage":true}})",
                 info);
  EXPECT_FALSE(e) << e->message;
  EXPECT_EQ(info.model, "m");
  EXPECT_TRUE(info.stream);
  EXPECT_TRUE(info.include_usage);
}

TEST(OpenAIChat, ErrorsNameTheField) {
  ChatRequestInfo info;
  EXPECT_EQ(check(R"({"messages":[]})", info)->param, "model");
  EXPECT_EQ(check(R"({"model":5,"messages":[]})", info)->message, "'model' must be a string, got number");
  EXPECT_EQ(check(R"({"model":"m"})", info)->param, "messages");
  EXPECT_EQ(check(R"({"model":"m","messages":{}})", info)->param, "messages");
  EXPECT_EQ(check(R"({"model":"m","messages":[{"role":"user"},{"content":"x"}]})", info)->param, "messages[1].role");
  EXPECT_EQ(check(R"({"model":"m","messages":[{"role":"robot"}]})", info)->param, "messages[0].role");
  EXPECT_EQ(check(R"({"model":"m","messages":[{"role":"user","content":3}]})", info)->param, "messages[0].content");
  EXPECT_EQ(check(R"({"model":"m","messages":[{"role":"user"}],"stream":"yes"})", info)->param, "stream");
  EXPECT_EQ(check(R"({"model":"m","messages":[{"role":"user"}],"tools":[{"type":"function"}]})", info)->param,
            "tools[0].function");
}

TEST(OpenAIChat, ContentText) {
  auto v = parse_json(
      R"([{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"b"}])");
  EXPECT_EQ(content_text(&*v), "ab");
  json::value s = "plain";
  EXPECT_EQ(content_text(&s), "plain");
  EXPECT_EQ(content_text(nullptr), "");
}

TEST(OpenAIChat, UsageAndChunks) {
  auto v = parse_json(R"({"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}})");
  auto u = usage_of(v->get_object());
  ASSERT_TRUE(u);
  EXPECT_EQ(u->prompt_tokens, 3);
  EXPECT_EQ(u->completion_tokens, 4);
  auto c = make_chunk("id1", 5, "m", json::object{{"content", "x"}});
  EXPECT_EQ(
      to_json(c),
      R"({"id":"id1","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"logprobs":null,"finish_reason":null}]})");
  EXPECT_EQ(sse_data("{}"), "data: {}\n\n");
}

TEST(OpenAIChat, CompletionEnvelope) {
  json::object message{{"role", "assistant"}, {"content", "hi"}};
  EXPECT_EQ(
      to_json(make_completion("id1", 5, "m", message, "stop", Usage{3, 4})),
      R"({"id":"id1","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}})");
  // KAOS's agent answers without the logprobs field.
  EXPECT_EQ(
      to_json(make_completion("session_1", 5, "agent", message, "stop", Usage{}, Logprobs::omitted)),
      R"({"id":"session_1","object":"chat.completion","created":5,"model":"agent","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}})");
}

TEST(OpenAIErrors, Shape) {
  EXPECT_EQ(error_json("bad", kInvalidRequest, "model"),
            R"({"error":{"message":"bad","type":"invalid_request_error","param":"model","code":null}})");
}

TEST(OpenAIEmbeddings, InputForms) {
  for (auto [body, n] : std::vector<std::pair<std::string, std::size_t>>{{R"({"model":"e","input":"a b"})", 1},
                                                                         {R"({"model":"e","input":["a","b"]})", 2},
                                                                         {R"({"model":"e","input":[1,2,3]})", 1},
                                                                         {R"({"model":"e","input":[[1],[2]]})", 2}}) {
    auto v = parse_json(body);
    EmbeddingsRequestInfo info;
    auto e = validate_embeddings_request(v->get_object(), info);
    EXPECT_FALSE(e) << body;
    EXPECT_EQ(info.inputs.size(), n) << body;
  }
  auto v = parse_json(R"({"model":"e","input":[{}]})");
  EmbeddingsRequestInfo info;
  EXPECT_EQ(validate_embeddings_request(v->get_object(), info)->param, "input");
  v = parse_json(R"({"model":"e","input":"x","encoding_format":"hex"})");
  EXPECT_EQ(validate_embeddings_request(v->get_object(), info)->param, "encoding_format");
}

TEST(OpenAIChat, ExtractUsageFromText) {
  auto u = extract_usage(
      R"({"id":"x","choices":[{"message":{"content":"\"usage\" in text"}}],"usage": {"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}})");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->prompt_tokens, 9);
  EXPECT_EQ(u->completion_tokens, 2);
  EXPECT_FALSE(extract_usage(R"({"usage":null})"));
  EXPECT_FALSE(extract_usage(R"({"choices":[]})"));
  EXPECT_FALSE(extract_usage(R"({"usage":{"prompt_tokens":)"));
}
