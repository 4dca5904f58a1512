#include <gtest/gtest.h>

#include "protocol/anthropic/messages.hpp"

using namespace kaos;
using namespace kaos::protocol;
using namespace kaos::protocol::anthropic;

namespace {
json::object obj(std::string_view s) {
  auto v = parse_json(s);
  EXPECT_TRUE(v) << s;
  return v->get_object();
}
}  // namespace

TEST(AnthropicRequest, FullTranslation) {
  auto req = obj(R"({
    "model":"claude","max_tokens":100,"temperature":0.5,"stop":"END","stream":true,"user":"u1",
    "parallel_tool_calls":false,"tool_choice":"required",
    "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
    "messages":[
      {"role":"system","content":"Be brief."},
      {"role":"developer","content":[{"type":"text","text":"Really."}]},
      {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
      {"role":"assistant","content":null,"tool_calls":[
         {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
         {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
      {"role":"tool","tool_call_id":"call_1","content":"sunny"},
      {"role":"tool","tool_call_id":"call_2","content":"rain"},
      {"role":"user","content":"thanks"}
    ]})");
  auto r = to_messages_request(req, "claude-3-5-sonnet");
  ASSERT_TRUE(std::holds_alternative<json::object>(r)) << std::get<openai::FieldError>(r).message;
  auto expected = obj(R"({
    "model":"claude-3-5-sonnet","system":"Be brief.\n\nReally.",
    "messages":[
      {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},
      {"role":"assistant","content":[
        {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
        {"type":"tool_use","id":"call_2","name":"get_weather","input":{"city":"Rome"}}]},
      {"role":"user","content":[
        {"type":"tool_result","tool_use_id":"call_1","content":"sunny"},
        {"type":"tool_result","tool_use_id":"call_2","content":"rain"},
        {"type":"text","text":"thanks"}]}
    ],
    "max_tokens":100,"temperature":0.5,"stop_sequences":["END"],"stream":true,"metadata":{"user_id":"u1"},
    "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
    "tool_choice":{"type":"any","disable_parallel_tool_use":true}})");
  EXPECT_EQ(json::value(std::get<json::object>(r)), json::value(expected)) << to_json(std::get<json::object>(r));
}

TEST(AnthropicRequest, DefaultsAndErrors) {
  auto r = to_messages_request(obj(R"({"model":"x","messages":[{"role":"user","content":"hi"}]})"), "c");
  auto& o = std::get<json::object>(r);
  EXPECT_EQ(o.at("max_tokens").as_int64(), kDefaultMaxTokens);
  EXPECT_FALSE(o.contains("system"));
  auto bad = to_messages_request(
      obj(R"({"model":"x","messages":[{"role":"assistant","tool_calls":[{"id":"a","function":{"name":"f","arguments":"not json"}}]}]})"),
      "c");
  ASSERT_TRUE(std::holds_alternative<openai::FieldError>(bad));
  EXPECT_EQ(std::get<openai::FieldError>(bad).param, "messages[0].tool_calls[0].function.arguments");
  auto tc = to_messages_request(
      obj(R"({"model":"x","messages":[{"role":"user","content":"hi"}],"tools":[{"function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"f"}}})"),
      "c");
  EXPECT_EQ(to_json(std::get<json::object>(tc).at("tool_choice")), R"({"type":"tool","name":"f"})");
}

TEST(AnthropicResponse, ToChatCompletion) {
  auto msg = obj(R"({"id":"msg_1","type":"message","role":"assistant","model":"claude",
    "content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
    "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":2}})");
  auto c = to_chat_completion(msg, "alias");
  EXPECT_EQ(c.at("model").as_string(), "alias");
  EXPECT_EQ(c.at("id").as_string(), "msg_1");
  const auto& choice = c.at("choices").at(0).as_object();
  EXPECT_EQ(choice.at("finish_reason").as_string(), "tool_calls");
  EXPECT_EQ(choice.at("message").at("content").as_string(), "Let me check.");
  const auto& call = choice.at("message").at("tool_calls").at(0).as_object();
  EXPECT_EQ(call.at("id").as_string(), "toolu_1");
  EXPECT_EQ(call.at("function").at("name").as_string(), "get_weather");
  EXPECT_EQ(call.at("function").at("arguments").as_string(), R"({"city":"Paris"})");
  EXPECT_EQ(to_json(c.at("usage")), R"({"prompt_tokens":12,"completion_tokens":5,"total_tokens":17})");
  EXPECT_EQ(finish_reason_for("end_turn"), "stop");
  EXPECT_EQ(finish_reason_for("max_tokens"), "length");
  EXPECT_EQ(finish_reason_for("stop_sequence"), "stop");
}

TEST(AnthropicResponse, ErrorTranslation) {
  auto e = to_openai_error(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", 529);
  EXPECT_EQ(e, R"({"error":{"message":"Overloaded","type":"overloaded_error","param":null,"code":"529"}})");
  auto raw = to_openai_error("oops", 500);
  EXPECT_NE(raw.find("HTTP 500: oops"), std::string::npos);
}

TEST(AnthropicStream, EventsToChunks) {
  StreamTranslator t("alias", true);
  std::vector<std::string> all;
  auto feed = [&](std::string_view ev, std::string_view data) {
    for (auto& c : t.on_event(ev, obj(data))) all.push_back(c);
  };
  feed("message_start",
       R"({"type":"message_start","message":{"id":"msg_9","usage":{"input_tokens":7,"output_tokens":1}}})");
  feed("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
  feed("ping", R"({"type":"ping"})");
  feed("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})");
  feed("content_block_stop", R"({"type":"content_block_stop","index":0})");
  feed(
      "content_block_start",
      R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}})");
  feed("content_block_delta",
       R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}})");
  feed("content_block_delta",
       R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}})");
  feed("content_block_stop", R"({"type":"content_block_stop","index":1})");
  feed("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":12}})");
  feed("message_stop", R"({"type":"message_stop"})");
  ASSERT_EQ(all.size(), 7u);
  auto c = [&](std::size_t i) { return parse_json(all[i])->as_object(); };
  EXPECT_EQ(to_json(c(0).at("choices").at(0).at("delta")), R"({"role":"assistant","content":""})");
  EXPECT_EQ(c(0).at("id").as_string(), "msg_9");
  EXPECT_EQ(c(1).at("choices").at(0).at("delta").at("content").as_string(), "Hi");
  EXPECT_EQ(to_json(c(2).at("choices").at(0).at("delta")),
            R"({"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"f","arguments":""}}]})");
  EXPECT_EQ(to_json(c(3).at("choices").at(0).at("delta")),
            R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]})");
  EXPECT_EQ(c(5).at("choices").at(0).at("finish_reason").as_string(), "tool_calls");
  EXPECT_TRUE(c(6).at("choices").as_array().empty());
  EXPECT_EQ(to_json(c(6).at("usage")), R"({"prompt_tokens":7,"completion_tokens":12,"total_tokens":19})");
  EXPECT_TRUE(t.done());
  EXPECT_EQ(t.usage().completion_tokens, 12);
}

TEST(AnthropicStream, ErrorEvent) {
  StreamTranslator t("alias", false);
  auto out = t.on_event("error", obj(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], R"({"error":{"message":"Overloaded","type":"overloaded_error","param":null,"code":null}})");
  EXPECT_TRUE(t.failed());
}
