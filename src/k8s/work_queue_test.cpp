#include "k8s/work_queue.hpp"

#include <gtest/gtest.h>

namespace kaos::k8s {
namespace {

using namespace std::chrono_literals;
using Clock = WorkQueue::Clock;

TEST(WorkQueue, DeduplicatesQueuedKeysAndKeepsFifoOrder) {
  WorkQueue q;
  const auto t = Clock::time_point{} + 1h;
  q.add("a", t);
  q.add("b", t);
  q.add("a", t);
  EXPECT_EQ(q.depth(), 2u);
  EXPECT_EQ(q.pop(t), "a");
  EXPECT_EQ(q.pop(t), "b");
  EXPECT_EQ(q.pop(t), std::nullopt);
}

TEST(WorkQueue, AKeyIsNeverHandedToTwoWorkersAndAChangeDuringProcessingIsKept) {
  WorkQueue q;
  const auto t = Clock::time_point{} + 1h;
  q.add("a", t);
  ASSERT_EQ(q.pop(t), "a");
  q.add("a", t);  // the object changed while a worker reconciles it
  EXPECT_EQ(q.pop(t), std::nullopt) << "a second worker must not get the key being processed";
  q.done("a", t);
  EXPECT_EQ(q.pop(t), "a") << "the change during processing is reconciled again";
  q.done("a", t);
  EXPECT_EQ(q.pop(t), std::nullopt);
}

TEST(WorkQueue, AddAfterFallsDueAndTheEarlierScheduleWins) {
  WorkQueue q;
  const auto t = Clock::time_point{} + 1h;
  q.add_after("a", 5s, t);
  q.add_after("a", 10s, t);  // later: ignored
  q.add_after("b", 3s, t);
  EXPECT_EQ(q.pop(t + 2s), std::nullopt);
  EXPECT_EQ(q.next_due(), t + 3s);
  EXPECT_EQ(q.pop(t + 3s), "b");
  EXPECT_EQ(q.pop(t + 4s), std::nullopt);
  EXPECT_EQ(q.pop(t + 5s), "a");
  q.add_after("c", 10s, t);
  q.add_after("c", 1s, t);  // sooner: replaces
  EXPECT_EQ(q.pop(t + 1s), "c");
  EXPECT_EQ(q.delayed(), 0u);
}

TEST(WorkQueue, AnImmediateAddCancelsADelay) {
  WorkQueue q;
  const auto t = Clock::time_point{} + 1h;
  q.add_after("a", 60s, t);
  q.add("a", t);
  EXPECT_EQ(q.pop(t), "a");
  q.done("a", t);
  EXPECT_EQ(q.pop(t + 61s), std::nullopt) << "the cancelled delay must not fire later";
}

TEST(WorkQueue, RateLimitedBackoffDoublesPerFailureUntilForgotten) {
  WorkQueue q({.base_delay = 5ms, .max_delay = 40ms, .qps = 0, .burst = 0});
  const auto t = Clock::time_point{} + 1h;
  const std::chrono::milliseconds expected[] = {5ms, 10ms, 20ms, 40ms, 40ms};
  for (auto delay : expected) {
    q.add_rate_limited("a", t);
    EXPECT_EQ(q.pop(t + delay - 1ms), std::nullopt) << delay.count();
    ASSERT_EQ(q.pop(t + delay), "a") << delay.count();
    q.done("a", t + delay);
  }
  EXPECT_EQ(q.failures("a"), 5);
  q.forget("a");
  EXPECT_EQ(q.failures("a"), 0);
  q.add_rate_limited("a", t);
  EXPECT_EQ(q.pop(t + 5ms), "a");
}

TEST(WorkQueue, ARetryAfterIsNeverCutShortByAShorterBackoff) {
  WorkQueue q({.base_delay = 5ms, .max_delay = 1'000ms, .qps = 0, .burst = 0});
  const auto t = Clock::time_point{} + 1h;
  q.add_rate_limited("a", t, 2s);
  EXPECT_EQ(q.pop(t + 1999ms), std::nullopt) << "the server said two seconds";
  EXPECT_EQ(q.pop(t + 2s), "a");
  q.done("a", t + 2s);
  q.add_rate_limited("a", t + 2s, 1ms);
  EXPECT_EQ(q.pop(t + 2s + 9ms), std::nullopt) << "the second failure's backoff (10 ms) is longer";
  EXPECT_EQ(q.pop(t + 2s + 10ms), "a");
}

TEST(WorkQueue, TheGlobalBucketSpreadsABurstOfFailures) {
  WorkQueue q({.base_delay = 1ms, .max_delay = 1ms, .qps = 10, .burst = 2});
  const auto t = Clock::time_point{} + 1h;
  for (const char* key : {"a", "b", "c", "d"}) q.add_rate_limited(key, t);
  // Two tokens were saved; the third waits 100 ms and the fourth 200 ms.
  EXPECT_EQ(q.pop(t + 1ms), "a");
  EXPECT_EQ(q.pop(t + 1ms), "b");
  EXPECT_EQ(q.pop(t + 99ms), std::nullopt);
  EXPECT_EQ(q.pop(t + 100ms), "c");
  EXPECT_EQ(q.pop(t + 199ms), std::nullopt);
  EXPECT_EQ(q.pop(t + 200ms), "d");
}

TEST(WorkQueue, ReportsHowLongTheLastKeyWaited) {
  WorkQueue q;
  const auto t = Clock::time_point{} + 1h;
  q.add("a", t);
  ASSERT_EQ(q.pop(t + 250ms), "a");
  EXPECT_EQ(q.last_wait(), 250ms);
}

TEST(TokenBucket, RefillsAtItsRateUpToItsBurst) {
  TokenBucket bucket(2, 1);
  const auto t = Clock::time_point{} + 1h;
  EXPECT_EQ(bucket.reserve(t), 0ns);
  EXPECT_EQ(bucket.reserve(t), 500ms);
  // Ten seconds idle saves one token at most (the burst), not twenty.
  EXPECT_EQ(bucket.reserve(t + 10s), 0ns);
  EXPECT_EQ(bucket.reserve(t + 10s), 500ms);
}

}  // namespace
}  // namespace kaos::k8s
