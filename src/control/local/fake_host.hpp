#pragma once
// Test support (supervisor_test.cpp only): a Host with fake children, scripted readiness and a
// fake clock, so the supervisor's phases run without processes, sockets or real time.
//
// - spawn() records each LaunchSpec and returns a FakeChild that runs until the test calls
//   exit() (or the supervisor terminates or kills it); `refuse` makes spawn fail.
// - probe() answers ready[port] (false when unset) and counts probes.
// - sleep() waits on the fake clock: advance(d) or advance_to_next() wakes the sleeps whose
//   deadline has come; a sleep cancelled before that throws operation_aborted, as a timer does.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "control/local/host.hpp"
#include "net/change_signal.hpp"

namespace kaos::local::testing {

namespace asio = boost::asio;

class FakeChild final : public ChildProcess {
 public:
  FakeChild(net::Executor executor, int pid) : pid_(pid), exited_(std::move(executor)) {}

  int pid() const override { return pid_; }
  net::Task<net::ExitStatus> wait() override {
    if (!status_) co_await exited_.wait();
    // Woken without an exit: the wait was cancelled (exited_ is notified only on exit).
    if (!status_) throw boost::system::system_error(asio::error::operation_aborted);
    co_return *status_;
  }
  net::Task<net::ExitStatus> terminate(std::chrono::milliseconds) override {
    terminated_ = true;
    finish({-1, 15});
    co_return *status_;
  }
  void kill(int signal) override { finish({-1, signal}); }

  /// The program exits with `code`.
  void exit(int code) { finish({code, 0}); }
  bool running() const { return !status_; }
  bool terminated() const { return terminated_; }

 private:
  void finish(net::ExitStatus status) {
    if (status_) return;
    status_ = status;
    exited_.notify();
  }
  int pid_;
  net::ChangeSignal exited_;
  std::optional<net::ExitStatus> status_;
  bool terminated_ = false;
};

class FakeHost final : public Host {
 public:
  struct Launch {
    LaunchSpec spec;
    std::shared_ptr<FakeChild> child;
  };

  explicit FakeHost(net::Executor executor) : executor_(std::move(executor)) {}

  std::vector<Launch> launches;
  /// When set and returning an error, spawn fails with it.
  std::function<std::optional<Error>(const LaunchSpec&)> refuse;
  /// Called on each new child (e.g. to make a post-start step exit at once).
  std::function<void(FakeChild&, const LaunchSpec&)> on_spawn;
  std::map<std::uint16_t, bool> ready;
  int probes = 0;

  Result<std::shared_ptr<ChildProcess>> spawn(LaunchSpec spec) override {
    if (refuse)
      if (auto e = refuse(spec)) return *e;
    auto child = std::make_shared<FakeChild>(executor_, 1000 + static_cast<int>(launches.size()));
    launches.push_back({spec, child});
    if (on_spawn) on_spawn(*child, spec);
    return std::shared_ptr<ChildProcess>(child);
  }

  net::Task<bool> probe(const plan::ProbePlan&, std::uint16_t port) override {
    ++probes;
    co_return ready[port];
  }

  net::Task<void> sleep(std::chrono::milliseconds duration) override {
    auto s = std::make_shared<Sleeper>(executor_, now_ + duration, duration);
    sleepers_.push_back(s);
    co_await s->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::erase(sleepers_, s);
    if (!s->fired) throw boost::system::system_error(asio::error::operation_aborted);
  }

  /// Durations of the sleeps still waiting on the clock.
  std::vector<std::chrono::milliseconds> pending_sleeps() const {
    std::vector<std::chrono::milliseconds> out;
    for (const auto& s : sleepers_)
      if (!s->fired) out.push_back(s->duration);
    return out;
  }
  void advance(std::chrono::milliseconds d) {
    now_ += d;
    for (auto& s : std::vector(sleepers_))
      if (!s->fired && s->deadline <= now_) {
        s->fired = true;
        s->timer.cancel();
      }
  }
  /// Moves the clock to the earliest pending deadline; false when nothing sleeps.
  bool advance_to_next() {
    std::optional<std::chrono::milliseconds> next;
    for (const auto& s : sleepers_)
      if (!s->fired && (!next || s->deadline < *next)) next = s->deadline;
    if (!next) return false;
    advance(*next - now_);
    return true;
  }

 private:
  struct Sleeper {
    Sleeper(net::Executor ex, std::chrono::milliseconds at, std::chrono::milliseconds d)
        : timer(std::move(ex), asio::steady_timer::time_point::max()), deadline(at), duration(d) {}
    asio::steady_timer timer;
    std::chrono::milliseconds deadline;
    std::chrono::milliseconds duration;
    bool fired = false;
  };
  net::Executor executor_;
  std::chrono::milliseconds now_{0};
  std::vector<std::shared_ptr<Sleeper>> sleepers_;
};

}  // namespace kaos::local::testing
