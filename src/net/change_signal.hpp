#pragma once
// A broadcast "something changed": every coroutine waiting in wait() resumes at the next
// notify(). For status waiters (`kaos up` waiting for Ready, task watchers, informers) that
// re-read the state they care about after each wake-up; it carries no value and does not
// queue (a notify with nobody waiting is not remembered).
//
// Thread model: not thread-safe; use it from one executor (or strand).
#include <memory>

#include "net/task.hpp"

namespace kaos::net {

class ChangeSignal {
 public:
  explicit ChangeSignal(Executor executor);
  ~ChangeSignal();
  ChangeSignal(const ChangeSignal&) = delete;
  ChangeSignal& operator=(const ChangeSignal&) = delete;

  /// Wakes every current waiter.
  void notify();
  /// Completes at the next notify(), or when the awaiting coroutine is cancelled.
  Task<void> wait();

 private:
  struct Generation;
  Executor executor_;
  std::shared_ptr<Generation> current_;
};

}  // namespace kaos::net
