// LocalMemory and NullMemory: ordering, limits, trimming, eviction, concurrent appends.
#include "servers/agent/memory/local_memory.hpp"

#include <thread>

#include "net/testing.hpp"
#include "servers/agent/memory/null_memory.hpp"

namespace kaos::agent {
namespace {

using net::testing::Loop;

// An event with a chosen timestamp (make_event's clock could tie within a microsecond).
MemoryEvent event_at(std::string text, int second) {
  auto e = make_event(MemoryEventType::user_message, json::value(text));
  char ts[40];
  std::snprintf(ts, sizeof ts, "2026-01-01T00:00:%02d.000000Z", second);
  e.timestamp = ts;
  return e;
}

std::vector<std::string> texts(const std::vector<MemoryEvent>& events) {
  std::vector<std::string> out;
  out.reserve(events.size());
  for (const auto& e : events) out.emplace_back(e.content.as_string());
  return out;
}

using Strings = std::vector<std::string>;

TEST(LocalMemory, KeepsEventsPerSessionOldestFirstAndReturnsTheNewestLimit) {
  Loop loop;
  LocalMemory m;
  EXPECT_EQ(m.kind(), "local");
  EXPECT_TRUE(m.enabled());
  ASSERT_TRUE(loop.run(m.append("s1", {event_at("a", 1), event_at("b", 2)})));
  ASSERT_TRUE(loop.run(m.append("s1", {event_at("c", 3)})));
  EXPECT_EQ(texts(*loop.run(m.events("s1", 10))), (Strings{"a", "b", "c"}));
  EXPECT_EQ(texts(*loop.run(m.events("s1", 2))), (Strings{"b", "c"}));
  EXPECT_TRUE(loop.run(m.events("s1", 0))->empty());
  EXPECT_TRUE(loop.run(m.events("unknown", 10))->empty());
}

TEST(LocalMemory, SessionsAreMostRecentlyUpdatedFirstAndAllSessionsMergeByTime) {
  Loop loop;
  LocalMemory m;
  ASSERT_TRUE(loop.run(m.append("s1", {event_at("s1-a", 1), event_at("s1-b", 4)})));
  ASSERT_TRUE(loop.run(m.append("s2", {event_at("s2-a", 2), event_at("s2-b", 3)})));
  ASSERT_TRUE(loop.run(m.append("s3", {event_at("s3-a", 5)})));
  EXPECT_EQ(*loop.run(m.sessions()), (Strings{"s3", "s2", "s1"}));
  ASSERT_TRUE(loop.run(m.append("s1", {event_at("s1-c", 6)})));
  EXPECT_EQ(*loop.run(m.sessions()), (Strings{"s1", "s3", "s2"}));
  EXPECT_EQ(texts(*loop.run(m.events(std::nullopt, 4))), (Strings{"s2-b", "s1-b", "s3-a", "s1-c"}));
  EXPECT_EQ(loop.run(m.events(std::nullopt, 100))->size(), 6u);
}

TEST(LocalMemory, TrimsEachSessionToMaxSessionEvents) {
  Loop loop;
  LocalMemory m(MemoryLimits{.max_sessions = 10, .max_session_events = 3});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop.run(m.append("s", {event_at(std::to_string(i), i)})));
  ASSERT_TRUE(loop.run(m.append("s", {event_at("5", 5), event_at("6", 6)})));
  EXPECT_EQ(texts(*loop.run(m.events("s", 100))), (Strings{"4", "5", "6"}));
}

TEST(LocalMemory, ANewSessionBeyondMaxSessionsEvictsTheLeastRecentlyUpdatedTenPercent) {
  Loop loop;
  LocalMemory m(MemoryLimits{.max_sessions = 20, .max_session_events = 10});
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(loop.run(m.append("s" + std::to_string(i), {event_at("x", 1)})));
  ASSERT_TRUE(loop.run(m.append("s0", {event_at("y", 2)})));  // s0 is now recent; s1, s2 the oldest
  EXPECT_EQ(loop.run(m.sessions())->size(), 20u);
  ASSERT_TRUE(loop.run(m.append("new", {event_at("z", 3)})));
  auto ids = *loop.run(m.sessions());
  ASSERT_EQ(ids.size(), 19u);  // 21 - max(1, 20 / 10)
  EXPECT_EQ(ids.front(), "new");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s0"), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s1"), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s2"), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s3"), 1);
  EXPECT_TRUE(loop.run(m.events("s1", 10))->empty());

  LocalMemory tiny(MemoryLimits{.max_sessions = 1, .max_session_events = 10});
  ASSERT_TRUE(loop.run(tiny.append("a", {event_at("x", 1)})));
  ASSERT_TRUE(loop.run(tiny.append("b", {event_at("x", 1)})));
  EXPECT_EQ(*loop.run(tiny.sessions()), (Strings{"b"}));  // never evicts the session just written
}

TEST(LocalMemory, EventBytesGrowWithTheTextAndCountKeysAndMetadata) {
  auto small = event_at("", 1);
  auto big = event_at(std::string(10'000, 'x'), 1);
  EXPECT_GE(event_bytes(big), event_bytes(small) + 10'000);
  auto with_meta = small;
  with_meta.metadata["note"] = std::string(500, 'm');
  EXPECT_GE(event_bytes(with_meta), event_bytes(small) + 500);
}

TEST(LocalMemory, ASessionOverItsByteLimitDropsItsOldestEvents) {
  Loop loop;
  const std::size_t one = event_bytes(event_at(std::string(1000, 'a'), 0));
  LocalMemory m(MemoryLimits{.max_sessions = 10, .max_session_events = 100, .max_session_bytes = 3 * one + 10});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop.run(m.append("s", {event_at(std::string(1000, 'a' + i), i)})));
  auto kept = *loop.run(m.events("s", 100));
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept.front().content.as_string()[0], 'c');
  EXPECT_LE(m.total_bytes(), 3 * one + 10);
  // An event bigger than the whole session limit is not kept at all.
  ASSERT_TRUE(loop.run(m.append("s", {event_at(std::string(5000, 'z'), 9)})));
  EXPECT_TRUE(loop.run(m.events("s", 100))->empty());
  EXPECT_EQ(m.total_bytes(), 0u);
}

TEST(LocalMemory, MemoryOverItsTotalLimitDropsTheLeastRecentlyUpdatedSessions) {
  Loop loop;
  const std::size_t one = event_bytes(event_at(std::string(1000, 'a'), 0));
  LocalMemory m(MemoryLimits{
      .max_sessions = 100, .max_session_events = 100, .max_session_bytes = 0, .max_total_bytes = 4 * one + 10});
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(loop.run(m.append("s" + std::to_string(i), {event_at(std::string(1000, 'a'), i)})));
  ASSERT_TRUE(loop.run(m.append("s0", {event_at(std::string(10, 'b'), 5)})));  // s0 recent; s1 oldest
  ASSERT_TRUE(loop.run(m.append("new", {event_at(std::string(1000, 'c'), 6)})));
  auto ids = *loop.run(m.sessions());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s1"), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "s0"), 1);
  EXPECT_EQ(ids.front(), "new");
  EXPECT_LE(m.total_bytes(), 4 * one + 10);
  // 1,000 sessions of 1 KB each never hold more than the limit.
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(loop.run(m.append("x" + std::to_string(i), {event_at(std::string(1000, 'x'), i % 60)})));
  EXPECT_LE(m.total_bytes(), 4 * one + 10);
  EXPECT_EQ(loop.run(m.sessions())->size(), 4u);
}

TEST(LocalMemory, ConcurrentAppendsFromManyThreadsAreAllKept) {
  Loop loop(4);
  LocalMemory m(MemoryLimits{.max_sessions = 100, .max_session_events = 1000});
  std::vector<std::future<void>> done;
  done.reserve(8);
  for (int t = 0; t < 8; ++t) {
    done.push_back(loop.start([](LocalMemory& m, int t) -> net::Task<void> {
      for (int i = 0; i < 50; ++i) {
        std::vector<MemoryEvent> one{event_at("e", i % 60)};
        auto r = co_await m.append("s" + std::to_string(t % 2), std::move(one));
        EXPECT_TRUE(r);
      }
    }(m, t)));
  }
  for (auto& f : done) ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(loop.run(m.events("s0", 1000))->size(), 200u);
  EXPECT_EQ(loop.run(m.events("s1", 1000))->size(), 200u);
}

TEST(NullMemory, StoresNothingAndNeverFails) {
  Loop loop;
  NullMemory m;
  EXPECT_EQ(m.kind(), "null");
  EXPECT_FALSE(m.enabled());
  ASSERT_TRUE(loop.run(m.append("s", {event_at("a", 1)})));
  EXPECT_TRUE(loop.run(m.events("s", 10))->empty());
  EXPECT_TRUE(loop.run(m.events(std::nullopt, 10))->empty());
  EXPECT_TRUE(loop.run(m.sessions())->empty());
}

}  // namespace
}  // namespace kaos::agent
