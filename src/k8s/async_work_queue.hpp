#pragma once
// WorkQueue on an executor: workers (coroutines) wait in get() for the next ready key, and
// delayed keys fall due on a timer. All calls must come from the queue's executor (the
// operator runs its controllers on one strand), so the queue needs no lock.
#include <chrono>
#include <optional>
#include <string>

#include "k8s/work_queue.hpp"
#include "net/change_signal.hpp"
#include "net/task.hpp"

namespace kaos::k8s {

class AsyncWorkQueue {
 public:
  AsyncWorkQueue(net::Executor executor, WorkQueueOptions options = {});

  void add(const std::string& key);
  void add_after(const std::string& key, std::chrono::milliseconds delay);
  /// After the key's backoff, and not before `at_least` (a server's Retry-After).
  void add_rate_limited(const std::string& key, std::chrono::milliseconds at_least = {});
  void forget(const std::string& key) { queue_.forget(key); }
  void done(const std::string& key);

  /// The next ready key (now processing: call done() after); nullopt once shut down. Waits as
  /// long as needed; cancelling the awaiting coroutine ends the wait.
  net::Task<std::optional<std::string>> get();
  /// Wakes every waiter with nullopt; later adds are ignored.
  void shut_down();
  bool shutting_down() const { return shut_down_; }

  const WorkQueue& queue() const { return queue_; }

 private:
  net::Executor executor_;
  WorkQueue queue_;
  net::ChangeSignal changed_;
  bool shut_down_ = false;
};

}  // namespace kaos::k8s
