// spawn_background and ChangeSignal on a real io_context: the work runs, cancellation reaches
// it, an escaping exception is contained, and every waiter wakes on notify.
#include "net/background.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <stdexcept>

#include "net/change_signal.hpp"
#include "net/testing.hpp"

namespace kaos::net {
namespace {

using testing::Flag;
using testing::Loop;

// Sets `started`, sleeps an hour unless cancelled, then records whether it was and sets `ended`.
Task<void> sleep_until_cancelled(Flag& started, Flag& ended, std::atomic<bool>& aborted) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::hours(1));
  started.set();
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  aborted = ec == asio::error::operation_aborted;
  ended.set();
}

TEST(SpawnBackground, RunsTheTaskWithoutBeingAwaited) {
  Loop loop;
  Flag done;
  spawn_background(
      loop.executor(),
      [](Flag& f) -> Task<void> {
        f.set();
        co_return;
      }(done),
      "test task");
  EXPECT_TRUE(done.wait(std::chrono::seconds(10)));
}

TEST(SpawnBackground, AnEscapingExceptionDoesNotTakeTheLoopDown) {
  Loop loop;
  // A coroutine (it has a co_return) whose body throws once it runs on the loop.
  spawn_background(
      loop.executor(),
      []() -> Task<void> {
        throw std::runtime_error("boom");
        co_return;
      }(),
      "throwing task");
  // The loop keeps running work after the failure.
  Flag after;
  spawn_background(
      loop.executor(),
      [](Flag& f) -> Task<void> {
        f.set();
        co_return;
      }(after),
      "later task");
  EXPECT_TRUE(after.wait(std::chrono::seconds(10)));
}

TEST(SpawnBackground, TheSlotCancelsTheTask) {
  Loop loop;
  asio::cancellation_signal cancel;
  Flag started, ended;
  std::atomic<bool> aborted{false};
  auto strand = asio::make_strand(loop.context());
  spawn_background(strand, sleep_until_cancelled(started, ended, aborted), "sleeper", cancel.slot());
  ASSERT_TRUE(started.wait(std::chrono::seconds(10)));
  asio::post(strand, [&] { cancel.emit(asio::cancellation_type::terminal); });
  ASSERT_TRUE(ended.wait(std::chrono::seconds(10)));
  EXPECT_TRUE(aborted);
}

TEST(SpawnBackground, AnOwnedSignalCancelsAndLivesUntilTheTaskEnds) {
  Loop loop;
  auto cancel = std::make_shared<asio::cancellation_signal>();
  std::weak_ptr<asio::cancellation_signal> watch = cancel;
  Flag started, ended;
  std::atomic<bool> aborted{false};
  auto strand = asio::make_strand(loop.context());
  spawn_background(strand, sleep_until_cancelled(started, ended, aborted), "owned sleeper", cancel);
  ASSERT_TRUE(started.wait(std::chrono::seconds(10)));
  // The caller lets go: the running work still holds the signal, so emitting through the
  // weak reference reaches it.
  cancel.reset();
  Flag emitted;
  asio::post(strand, [&] {
    if (auto s = watch.lock()) s->emit(asio::cancellation_type::terminal);
    emitted.set();
  });
  ASSERT_TRUE(emitted.wait(std::chrono::seconds(10)));
  ASSERT_TRUE(ended.wait(std::chrono::seconds(10)));
  EXPECT_TRUE(aborted) << "the signal was gone before the work ended";
  // Once the work has completed the signal is released.
  Flag released;
  auto poll = [&]() -> Task<void> {
    asio::steady_timer t(co_await asio::this_coro::executor);
    for (int i = 0; i < 1000 && !watch.expired(); ++i) {
      t.expires_after(std::chrono::milliseconds(5));
      co_await t.async_wait(asio::use_awaitable);
    }
    released.set();
  };
  spawn_background(strand, poll(), "release poll");
  ASSERT_TRUE(released.wait(std::chrono::seconds(10)));
  EXPECT_TRUE(watch.expired());
}

TEST(ChangeSignal, NotifyWakesEveryWaiterAndOnlyLaterNotifiesWakeLaterWaiters) {
  Loop loop;
  auto strand = asio::make_strand(loop.context());
  auto signal = std::make_shared<ChangeSignal>(strand);
  std::atomic<int> woken{0};
  Flag both_waiting, both_woken;
  auto waiter = [](std::shared_ptr<ChangeSignal> s, std::atomic<int>& n, Flag& all_in, Flag& all_out,
                   int index) -> Task<void> {
    if (index == 1) all_in.set();
    co_await s->wait();
    if (++n == 2) all_out.set();
  };
  // Both waiters start on the strand before the notify posted after them.
  spawn_background(strand, waiter(signal, woken, both_waiting, both_woken, 0), "waiter 0");
  spawn_background(strand, waiter(signal, woken, both_waiting, both_woken, 1), "waiter 1");
  ASSERT_TRUE(both_waiting.wait(std::chrono::seconds(10)));
  asio::post(strand, [signal] { signal->notify(); });
  ASSERT_TRUE(both_woken.wait(std::chrono::seconds(10)));
  EXPECT_EQ(woken.load(), 2);

  // A waiter that arrives after a notify waits for the next one.
  Flag late_woken;
  std::atomic<bool> woke_early{false};
  Flag late_waiting;
  auto late = [](std::shared_ptr<ChangeSignal> s, Flag& waiting, Flag& w) -> Task<void> {
    waiting.set();
    co_await s->wait();
    w.set();
  };
  spawn_background(strand, late(signal, late_waiting, late_woken), "late waiter");
  ASSERT_TRUE(late_waiting.wait(std::chrono::seconds(10)));
  // Handlers posted after the waiter suspended run before any wake-up it could get from the
  // earlier notify; it must still be asleep then.
  Flag checked;
  asio::post(strand, [&] {
    woke_early = late_woken.is_set();
    checked.set();
  });
  ASSERT_TRUE(checked.wait(std::chrono::seconds(10)));
  EXPECT_FALSE(woke_early) << "a waiter woke without a notify";
  asio::post(strand, [signal] { signal->notify(); });
  EXPECT_TRUE(late_woken.wait(std::chrono::seconds(10)));
}

}  // namespace
}  // namespace kaos::net
