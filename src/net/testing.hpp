#pragma once
// Test support for every module whose tests drive coroutines (net, clients, servers): an
// io_context run by background threads, and a one-shot flag. Test code only (it reports
// through GoogleTest); no Beast here, so any module above net may include it.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "net/task.hpp"

namespace kaos::net::testing {

/// An io_context run by `threads` background threads until destruction.
class Loop {
 public:
  explicit Loop(int threads = 1) : guard_(asio::make_work_guard(ioc_)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~Loop() {
    guard_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  Executor executor() { return ioc_.get_executor(); }
  asio::io_context& context() { return ioc_; }

  /// Starts `task` on a fresh strand; the future holds its result (nullopt for void).
  template <class T>
  auto start(Task<T> task) {
    if constexpr (std::is_void_v<T>) {
      return asio::co_spawn(asio::make_strand(ioc_), std::move(task), asio::use_future);
    } else {
      auto wrap = [](Task<T> t) -> Task<std::optional<T>> { co_return co_await std::move(t); };
      return asio::co_spawn(asio::make_strand(ioc_), wrap(std::move(task)), asio::use_future);
    }
  }

  /// Runs `task` to completion and returns its result; a hang fails the test (and aborts,
  /// since the coroutine may still reference the caller's stack) instead of blocking the suite.
  template <class T>
  T run(Task<T> task, std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto fut = start(std::move(task));
    if (fut.wait_for(limit) != std::future_status::ready) {
      ADD_FAILURE() << "coroutine did not finish within " << limit.count() << " s";
      std::abort();
    }
    if constexpr (std::is_void_v<T>) {
      fut.get();
    } else {
      return std::move(*fut.get());
    }
  }

 private:
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

/// A one-shot event set from any thread; tests wait on it with a bound.
class Flag {
 public:
  void set() {
    std::lock_guard lock(mu_);
    set_ = true;
    cv_.notify_all();
  }
  bool wait(std::chrono::seconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return set_; });
  }
  bool is_set() {
    std::lock_guard lock(mu_);
    return set_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

}  // namespace kaos::net::testing
