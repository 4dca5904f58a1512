// RedisMemory against a real redis-server: replicas share sessions, a restart of the agent
// loses nothing, trimming, eviction with key cleanup, and Redis outages (errors, then
// recovery without a new object).
#include "servers/agent/memory/redis_memory.hpp"

#include "clients/redis/test_redis_server.hpp"

namespace kaos::agent {
namespace {

using clients::redis::RedisClient;
using clients::redis::RedisOptions;
using net::testing::Loop;
using Strings = std::vector<std::string>;

MemoryEvent event_at(std::string text, int second) {
  auto e = make_event(MemoryEventType::user_message, json::value(text), json::object{{"n", second}});
  char ts[40];
  std::snprintf(ts, sizeof ts, "2026-01-01T00:00:%02d.000000Z", second);
  e.timestamp = ts;
  return e;
}

Strings texts(const std::vector<MemoryEvent>& events) {
  Strings out;
  for (const auto& e : events) out.emplace_back(e.content.as_string());
  return out;
}

class RedisMemoryTest : public ::testing::Test {
 protected:
  RedisOptions options() const {
    RedisOptions o;
    o.url = server_.url();
    o.connect_timeout = std::chrono::milliseconds(500);
    o.command_timeout = std::chrono::milliseconds(1000);
    return o;
  }
  std::unique_ptr<RedisMemory> memory(MemoryLimits limits = {}, std::string agent = "agent-a") {
    return std::make_unique<RedisMemory>(loop_.executor(), options(), std::move(agent), limits);
  }
  // A raw command, to look at the keys RedisMemory wrote.
  clients::redis::RedisReply raw(std::vector<std::string> argv) {
    RedisClient c(loop_.executor(), options());
    auto r = loop_.run(c.command(std::move(argv)));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : clients::redis::RedisReply{};
  }

  clients::redis::testing::RedisServer server_;
  Loop loop_{2};
};

TEST_F(RedisMemoryTest, TwoReplicasSeeEachOthersSessions) {
  ASSERT_TRUE(server_.running());
  auto a = memory();
  auto b = memory();
  EXPECT_EQ(a->kind(), "redis");
  ASSERT_TRUE(loop_.run(a->append("s1", {event_at("hello", 1), event_at("hi", 2)})));
  ASSERT_TRUE(loop_.run(b->append("s2", {event_at("other", 3)})));
  ASSERT_TRUE(loop_.run(b->append("s1", {event_at("again", 4)})));

  EXPECT_EQ(*loop_.run(a->sessions()), (Strings{"s1", "s2"}));
  auto seen = *loop_.run(a->events("s1", 10));
  EXPECT_EQ(texts(seen), (Strings{"hello", "hi", "again"}));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].event_type, MemoryEventType::user_message);
  EXPECT_EQ(seen[0].timestamp, "2026-01-01T00:00:01.000000Z");
  EXPECT_EQ(seen[0].metadata.at("n").as_int64(), 1);
  EXPECT_EQ(texts(*loop_.run(b->events(std::nullopt, 3))), (Strings{"hi", "other", "again"}));
  EXPECT_TRUE(loop_.run(a->events("nope", 10))->empty());
  EXPECT_TRUE(loop_.run(a->events("s1", 0))->empty());

  // Another agent's memory is a different namespace.
  auto other = memory({}, "agent-b");
  EXPECT_TRUE(loop_.run(other->sessions())->empty());
  EXPECT_EQ(a->key_prefix(), "kaos:memory:agent-a:");
  EXPECT_EQ(raw({"HGET", "kaos:memory:agent-a:session:s1", "session_id"}).str, "s1");
  EXPECT_FALSE(raw({"HGET", "kaos:memory:agent-a:session:s1", "created_at"}).str.empty());
  EXPECT_EQ(raw({"LLEN", "kaos:memory:agent-a:events:s1"}).integer, 3);
  auto ttl = raw({"TTL", "kaos:memory:agent-a:events:s1"}).integer;
  EXPECT_GT(ttl, 24 * 3600 - 60);
  EXPECT_LE(ttl, 24 * 3600);
}

TEST_F(RedisMemoryTest, StoresEventsInKaosLayoutAndReadsKaosWrittenEntries) {
  ASSERT_TRUE(server_.running());
  auto m = memory();
  MemoryEvent call{"event_0a1b2c3d", "2026-01-01T00:00:01.000000Z", MemoryEventType::tool_call,
                   json::object{{"tool", "add"}, {"arguments", json::object{{"a", 2}}}}, json::object{{"n", 1}}};
  ASSERT_TRUE(loop_.run(m->append("s", {call})));
  // What is written is byte for byte the event JSON KAOS's RedisMemory list holds.
  auto stored = raw({"LRANGE", "kaos:memory:agent-a:events:s", "0", "-1"});
  ASSERT_EQ(stored.elements.size(), 1u);
  EXPECT_EQ(stored.elements[0].str,
            R"({"event_id":"event_0a1b2c3d","timestamp":"2026-01-01T00:00:01.000000Z","event_type":"tool_call",)"
            R"("content":{"tool":"add","arguments":{"a":2}},"metadata":{"n":1}})");

  // Entries written by KAOS's Python agent (json.dumps spacing, null metadata) read back; an
  // entry that is not a KAOS event is skipped, not fatal. The first entry's two adjacent literals
  // are one JSON text split for line length.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  raw({"RPUSH", "kaos:memory:agent-a:events:s",
       R"({"event_id": "event_9f8e7d6c", "timestamp": "2026-01-01T00:00:02.000000Z", "event_type": "agent_response", )"
       R"("content": "The sum is 5.", "metadata": null})",
       R"({"event_id": "event_x", "timestamp": "2026-01-01T00:00:03.000000Z", "event_type": "thought"})", "not json"});
  // NOLINTEND(bugprone-suspicious-missing-comma)
  auto seen = loop_.run(m->events("s", 10));
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ((*seen)[0].event_type, MemoryEventType::tool_call);
  EXPECT_EQ((*seen)[1].event_type, MemoryEventType::agent_response);
  EXPECT_EQ((*seen)[1].content.as_string(), "The sum is 5.");
  EXPECT_TRUE((*seen)[1].metadata.empty());
}

TEST_F(RedisMemoryTest, ANewInstanceAfterTheFirstIsDestroyedSeesEverything) {
  ASSERT_TRUE(server_.running());
  {
    auto first = memory();
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(loop_.run(first->append("s" + std::to_string(i), {event_at("e" + std::to_string(i), i)})));
  }
  auto second = memory();
  EXPECT_EQ(*loop_.run(second->sessions()), (Strings{"s2", "s1", "s0"}));
  EXPECT_EQ(texts(*loop_.run(second->events(std::nullopt, 10))), (Strings{"e0", "e1", "e2"}));
}

TEST_F(RedisMemoryTest, TrimsEachSessionToTheNewestMaxSessionEvents) {
  ASSERT_TRUE(server_.running());
  auto m = memory(MemoryLimits{.max_sessions = 10, .max_session_events = 3});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop_.run(m->append("s", {event_at(std::to_string(i), i)})));
  ASSERT_TRUE(loop_.run(m->append("s", {event_at("5", 5), event_at("6", 6)})));
  EXPECT_EQ(texts(*loop_.run(m->events("s", 100))), (Strings{"4", "5", "6"}));
  EXPECT_EQ(texts(*loop_.run(m->events("s", 2))), (Strings{"5", "6"}));
  EXPECT_EQ(raw({"LLEN", "kaos:memory:agent-a:events:s"}).integer, 3);
}

TEST_F(RedisMemoryTest, ANewSessionBeyondMaxSessionsEvictsTheOldestWithTheirKeys) {
  ASSERT_TRUE(server_.running());
  auto m = memory(MemoryLimits{.max_sessions = 20, .max_session_events = 10});
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(loop_.run(m->append("s" + std::to_string(i), {event_at("x", 1)})));
  ASSERT_TRUE(loop_.run(m->append("s0", {event_at("y", 2)})));  // s0 recent again; s1, s2 oldest
  EXPECT_EQ(loop_.run(m->sessions())->size(), 20u);
  ASSERT_TRUE(loop_.run(m->append("new", {event_at("z", 3)})));
  auto ids = *loop_.run(m->sessions());
  ASSERT_EQ(ids.size(), 19u);  // 21 - max(1, 20 / 10)
  EXPECT_EQ(ids.front(), "new");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s0"), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s1"), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s2"), 0);
  EXPECT_EQ(raw({"EXISTS", "kaos:memory:agent-a:session:s1", "kaos:memory:agent-a:events:s2"}).integer, 0);
  EXPECT_EQ(raw({"EXISTS", "kaos:memory:agent-a:session:s3", "kaos:memory:agent-a:events:s3"}).integer, 2);
}

TEST_F(RedisMemoryTest, RedisDownGivesErrorsAndRecoversWithoutANewObject) {
  ASSERT_TRUE(server_.running());
  auto m = memory();
  ASSERT_TRUE(loop_.run(m->append("s", {event_at("before", 1)})));

  server_.stop();
  auto append = loop_.run(m->append("s", {event_at("lost", 2)}));
  ASSERT_FALSE(append);
  EXPECT_EQ(append.error().kind, ErrorKind::io) << append.error().message;
  auto events = loop_.run(m->events("s", 10));
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().kind, ErrorKind::io);
  EXPECT_FALSE(loop_.run(m->events(std::nullopt, 10)));
  EXPECT_FALSE(loop_.run(m->sessions()));

  ASSERT_TRUE(server_.start());  // an empty Redis (no persistence in the test server)
  auto again = loop_.run(m->append("s", {event_at("after", 3)}));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(texts(*loop_.run(m->events("s", 10))), (Strings{"after"}));
  EXPECT_EQ(*loop_.run(m->sessions()), (Strings{"s"}));
}

}  // namespace
}  // namespace kaos::agent
