#pragma once
// The controllers' work queue, with client-go's workqueue semantics (rate-limited, delaying,
// de-duplicating), as plain data with the clock passed in so its rules are tested without
// waiting:
//
// - A key is in the queue at most once: adding a queued key does nothing.
// - A key being processed (popped, not yet done) is never handed to a second worker; adding it
//   meanwhile marks it dirty, and done() queues it again. So one object is reconciled by one
//   worker at a time, and a change during a reconcile is never lost.
// - add_after() delays a key; an earlier add (or a shorter delay) wins.
// - add_rate_limited() delays by the larger of the key's exponential backoff (its failures
//   since the last forget()) and a global token bucket shared by every key, so a burst of
//   failing objects cannot hammer the API server.
//
// Not thread-safe: the operator drives it from one executor (AsyncWorkQueue, below).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace kaos::k8s {

/// A token bucket: `qps` tokens a second, at most `burst` saved. reserve() takes one token and
/// says how long its holder must wait for it (0 when one was saved); reservations queue up, as
/// Go's rate.Limiter does, so N callers in a burst are spread at 1/qps.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(double qps, int burst);
  std::chrono::nanoseconds reserve(Clock::time_point now);

 private:
  double qps_;
  double burst_;
  double tokens_;
  std::optional<Clock::time_point> last_;
};

struct WorkQueueOptions {
  /// Per-key backoff for add_rate_limited: base · 2^(failures-1), at most max (client-go's
  /// defaults: 5 ms and 1000 s).
  std::chrono::milliseconds base_delay{5};
  std::chrono::milliseconds max_delay{1'000'000};
  /// The global bucket (client-go's default: 10 qps, burst 100).
  double qps = 10;
  int burst = 100;
};

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;
  explicit WorkQueue(WorkQueueOptions options = {});

  void add(const std::string& key, Clock::time_point now);
  void add_after(const std::string& key, Clock::duration delay, Clock::time_point now);
  /// Counts a failure of `key` and re-adds it after its backoff (see the header comment), and
  /// not before `at_least` (a server's Retry-After) when given.
  void add_rate_limited(const std::string& key, Clock::time_point now, Clock::duration at_least = {});
  /// Clears the key's failures (after a successful reconcile).
  void forget(const std::string& key);
  int failures(const std::string& key) const;

  /// Moves due delayed keys into the queue, then hands out the oldest queued key not being
  /// processed (marking it processing); nullopt when none is ready.
  std::optional<std::string> pop(Clock::time_point now);
  /// Ends processing of `key`; if it was added meanwhile, it is queued again.
  void done(const std::string& key, Clock::time_point now);

  /// When the earliest delayed key falls due (nullopt: none is delayed).
  std::optional<Clock::time_point> next_due() const;
  /// Keys queued and ready (the queue-depth metric).
  std::size_t depth() const { return queue_.size(); }
  std::size_t delayed() const { return delayed_by_key_.size(); }
  bool processing(const std::string& key) const { return processing_.contains(key); }
  /// How long the last popped key waited in the queue (the queue-wait metric).
  Clock::duration last_wait() const { return last_wait_; }

 private:
  void enqueue(const std::string& key, Clock::time_point now);
  void promote_due(Clock::time_point now);

  WorkQueueOptions options_;
  TokenBucket bucket_;
  std::deque<std::string> queue_;                                 ///< FIFO of ready keys (front = oldest)
  std::unordered_map<std::string, Clock::time_point> queued_at_;  ///< the dirty set, with add times
  std::unordered_set<std::string> processing_;
  std::multimap<Clock::time_point, std::string> delayed_;
  std::unordered_map<std::string, Clock::time_point> delayed_by_key_;
  std::unordered_map<std::string, int> failures_;
  Clock::duration last_wait_{};
};

}  // namespace kaos::k8s
