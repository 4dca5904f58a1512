// GET /memory/events and /memory/sessions: the query, byte-exact bodies, round trips, and
// parse errors that name the field.
#include "protocol/kaos/memory_api.hpp"

#include <gtest/gtest.h>

namespace kaos::protocol::kaos {
namespace {

json::value parsed(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::value();
}

std::string body_error(Result<MemoryEventsBody> r) {
  EXPECT_FALSE(r);
  return r ? std::string() : r.error().message;
}

TEST(MemoryEventsQuery, LimitIsAnIntegerFromOneToAThousand) {
  auto none = parse_memory_events_query(std::nullopt, std::nullopt);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->limit, 100u);
  EXPECT_EQ(none->session_id, std::nullopt);

  auto q = parse_memory_events_query(std::string("1000"), std::string("s1"));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, 1000u);
  EXPECT_EQ(q->session_id, "s1");
  EXPECT_EQ(parse_memory_events_query(std::string("1"), std::string(""))->session_id, std::nullopt);

  for (std::string bad : {"0", "1001", "", "ten", "5x", "-3", "99999999999999999999"}) {
    auto r = parse_memory_events_query(bad, std::nullopt);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message, "limit: expected an integer from 1 to 1000") << bad;
  }
}

TEST(MemoryEventsBody, SerializesAsTheAgentAlwaysHas) {
  MemoryEventsBody b{"asst",
                     {MemoryEvent{"event_00000001",
                                  "2026-01-01T10:00:00.000000Z",
                                  MemoryEventType::user_message,
                                  json::value("What is 2 + 3?"),
                                  {}},
                      MemoryEvent{"event_00000002",
                                  "2026-01-01T10:00:01.000000Z",
                                  MemoryEventType::tool_result,
                                  to_json(ToolResultContent{"add", json::value("5")}),
                                  {}}}};
  const std::string expected =
      R"({"agent":"asst","total":2,"events":[)"
      R"({"event_id":"event_00000001","timestamp":"2026-01-01T10:00:00.000000Z","event_type":"user_message",)"
      R"("content":"What is 2 + 3?","metadata":{}},)"
      R"({"event_id":"event_00000002","timestamp":"2026-01-01T10:00:01.000000Z","event_type":"tool_result",)"
      R"("content":{"tool":"add","result":"5"},"metadata":{}}]})";
  EXPECT_EQ(to_json(to_json(b)), expected);

  auto back = parse_memory_events_body(parsed(expected));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->agent, "asst");
  ASSERT_EQ(back->events.size(), 2u);
  EXPECT_EQ(back->events[1].event_type, MemoryEventType::tool_result);
  EXPECT_EQ(to_json(to_json(*back)), expected);

  EXPECT_EQ(to_json(to_json(MemoryEventsBody{"empty", {}})), R"({"agent":"empty","total":0,"events":[]})");
}

TEST(MemoryEventsBody, ReadsKaosKeyOrder) {
  auto b = parse_memory_events_body(parsed(R"({"agent": "a", "events": [], "total": 0})"));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->agent, "a");
}

TEST(MemoryEventsBody, ParseErrorsNameTheField) {
  EXPECT_EQ(body_error(parse_memory_events_body(parsed(R"("nope")"))), "body: expected an object, got string");
  EXPECT_EQ(body_error(parse_memory_events_body(parsed(R"({"total":0,"events":[]})"))),
            "agent: expected a string, but it is missing");
  EXPECT_EQ(body_error(parse_memory_events_body(parsed(R"({"agent":"a","total":-1,"events":[]})"))),
            "total: expected a non-negative integer, got number");
  EXPECT_EQ(body_error(parse_memory_events_body(parsed(R"({"agent":"a","total":0,"events":{}})"))),
            "events: expected an array, got object");
  EXPECT_EQ(body_error(parse_memory_events_body(
                parsed(R"({"agent":"a","total":2,"events":[{"event_id":"e","timestamp":"t","event_type":"error"},)"
                       R"({"event_id":"e","timestamp":"t","event_type":1}]})"))),
            "events[1].event_type: expected a string, got number");
}

TEST(MemorySessionsBody, SerializesRoundTripsAndNamesBadFields) {
  const std::string expected = R"({"agent":"asst","total":2,"sessions":["s2","s1"]})";
  EXPECT_EQ(to_json(to_json(MemorySessionsBody{"asst", {"s2", "s1"}})), expected);
  auto back = parse_memory_sessions_body(parsed(expected));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->sessions, (std::vector<std::string>{"s2", "s1"}));
  EXPECT_EQ(to_json(to_json(*back)), expected);

  auto bad = parse_memory_sessions_body(parsed(R"({"agent":"a","total":2,"sessions":["s",3]})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "sessions[1]: expected a string, got number");
  auto no_total = parse_memory_sessions_body(parsed(R"({"agent":"a","sessions":[]})"));
  ASSERT_FALSE(no_total);
  EXPECT_EQ(no_total.error().message, "total: expected a non-negative integer, but it is missing");
}

}  // namespace
}  // namespace kaos::protocol::kaos
