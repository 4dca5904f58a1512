// MemoryEvent and its types: KAOS's wire strings, byte-exact JSON, round trips, and parse
// errors that name the field.
#include "protocol/kaos/memory_event.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kaos::protocol::kaos {
namespace {

using ::testing::HasSubstr;

json::value parsed(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::value();
}

TEST(MemoryEventType, WireStringsAreKaos) {
  // KAOS-REFERENCE §2.8, in that order.
  std::vector<std::string> names;
  names.reserve(kMemoryEventTypes.size());
  for (auto t : kMemoryEventTypes) names.emplace_back(to_string(t));
  EXPECT_EQ(names, (std::vector<std::string>{"user_message", "task_delegation_received", "agent_response", "tool_call",
                                             "tool_result", "delegation_request", "delegation_response", "error"}));
  for (auto t : kMemoryEventTypes) EXPECT_EQ(parse_memory_event_type(to_string(t)), t);
  EXPECT_EQ(parse_memory_event_type("User_Message"), std::nullopt);
  EXPECT_EQ(parse_memory_event_type("user-message"), std::nullopt);
  EXPECT_EQ(parse_memory_event_type(""), std::nullopt);
}

TEST(MemoryEvent, SerializesInKaosFieldOrder) {
  MemoryEvent e{"event_1a2b3c4d", "2026-01-01T10:00:00.000000Z", MemoryEventType::tool_call,
                to_json(ToolCallContent{"add", json::object{{"a", 2}, {"b", 3}}}), json::object{{"trace_id", "abc"}}};
  EXPECT_EQ(to_json(to_json(e)),
            R"({"event_id":"event_1a2b3c4d","timestamp":"2026-01-01T10:00:00.000000Z","event_type":"tool_call",)"
            R"("content":{"tool":"add","arguments":{"a":2,"b":3}},"metadata":{"trace_id":"abc"}})");

  MemoryEvent text{
      "event_00000000", "2026-01-01T10:00:01.000000Z", MemoryEventType::user_message, json::value("hi"), {}};
  EXPECT_EQ(to_json(to_json(text)),
            R"({"event_id":"event_00000000","timestamp":"2026-01-01T10:00:01.000000Z","event_type":"user_message",)"
            R"("content":"hi","metadata":{}})");
}

TEST(MemoryEvent, RoundTripsEveryType) {
  for (auto t : kMemoryEventTypes) {
    MemoryEvent e{"event_deadbeef", "2026-01-01T10:00:00.000000Z", t, json::value("x"), json::object{{"n", 1}}};
    auto back = parse_memory_event(json::value(to_json(e)));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->event_type, t);
    EXPECT_EQ(to_json(to_json(*back)), to_json(to_json(e)));
  }
}

TEST(MemoryEvent, ReadsKaosPythonLayoutAndDefaultsContentAndMetadata) {
  // json.dumps of KAOS's pydantic event (spaces after separators, metadata null).
  auto e = parse_memory_event(parsed(
      R"({"event_id": "event_9f8e7d6c", "timestamp": "2026-01-01T10:00:00.000000Z", "event_type": "agent_response",)"
      R"( "content": "The sum is 5.", "metadata": null})"));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->event_type, MemoryEventType::agent_response);
  EXPECT_EQ(e->content, json::value("The sum is 5."));
  EXPECT_TRUE(e->metadata.empty());

  auto bare = parse_memory_event(
      parsed(R"({"event_id":"event_1","timestamp":"t","event_type":"error","unknown_field":[1,2]})"));
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_TRUE(bare->content.is_null());
}

TEST(MemoryEvent, ParseErrorsNameTheField) {
  auto error_of = [](std::string_view text, std::string_view path = {}) {
    auto e = parse_memory_event(parsed(text), path);
    EXPECT_FALSE(e) << text;
    return e ? std::string() : e.error().message;
  };
  EXPECT_EQ(error_of(R"([1])"), "body: expected an object, got array");
  EXPECT_EQ(error_of(R"("x")", "events[4]"), "events[4]: expected an object, got string");
  EXPECT_EQ(error_of(R"({"timestamp":"t","event_type":"error"})"), "event_id: expected a string, but it is missing");
  EXPECT_EQ(error_of(R"({"event_id":"e","timestamp":7,"event_type":"error"})", "events[0]"),
            "events[0].timestamp: expected a string, got number");
  EXPECT_EQ(error_of(R"({"event_id":"e","timestamp":"t","event_type":null})"),
            "event_type: expected a string, but it is missing");
  EXPECT_THAT(error_of(R"({"event_id":"e","timestamp":"t","event_type":"thought"})", "events[2]"),
              HasSubstr(R"(events[2].event_type: unknown memory event type "thought" (expected one of user_message,)"));
  EXPECT_EQ(error_of(R"({"event_id":"e","timestamp":"t","event_type":"error","metadata":"m"})"),
            "metadata: expected an object, got string");
}

TEST(MemoryEventContent, ToolAndDelegationObjectsAreByteExact) {
  EXPECT_EQ(to_json(to_json(ToolCallContent{"add", json::object{{"a", 2}}})), R"({"tool":"add","arguments":{"a":2}})");
  EXPECT_EQ(to_json(to_json(ToolResultContent{"add", json::value("5")})), R"({"tool":"add","result":"5"})");
  EXPECT_EQ(to_json(to_json(DelegationRequestContent{"worker", json::value("sum 2 and 3")})),
            R"({"agent":"worker","task":"sum 2 and 3"})");
  EXPECT_EQ(to_json(to_json(DelegationResponseContent{"worker", json::value("5")})),
            R"({"agent":"worker","response":"5"})");
}

TEST(MemoryEventContent, ParsesWhatItWritesAndNamesBadFields) {
  auto call = parse_tool_call_content(parsed(R"({"tool":"add","arguments":{"a":2}})"));
  ASSERT_TRUE(call);
  EXPECT_EQ(call->tool, "add");
  EXPECT_EQ(call->arguments, parsed(R"({"a":2})"));
  auto result = parse_tool_result_content(parsed(R"({"tool":"add"})"));
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->result.is_null());
  auto request = parse_delegation_request_content(parsed(R"({"agent":"w","task":{"text":"t"}})"));
  ASSERT_TRUE(request);
  EXPECT_EQ(request->task, parsed(R"({"text":"t"})"));
  auto response = parse_delegation_response_content(parsed(R"({"agent":"w","response":"r"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->response, json::value("r"));

  auto bad = parse_tool_call_content(parsed(R"({"tool":3})"), "events[1].content");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "events[1].content.tool: expected a string, got number");
  auto text = parse_delegation_response_content(json::value("plain text"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "content: expected an object, got string");
}

}  // namespace
}  // namespace kaos::protocol::kaos
