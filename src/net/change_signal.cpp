#include "net/change_signal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

namespace kaos::net {

// One generation is a timer that never expires: notify() cancels it (waking its waiters) and
// installs the next one, so a waiter arriving after the notify waits for the following one.
struct ChangeSignal::Generation {
  explicit Generation(const Executor& ex) : timer(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
};

ChangeSignal::ChangeSignal(Executor executor)
    : executor_(std::move(executor)), current_(std::make_shared<Generation>(executor_)) {}

ChangeSignal::~ChangeSignal() {
  current_->timer.cancel();
}

void ChangeSignal::notify() {
  std::exchange(current_, std::make_shared<Generation>(executor_))->timer.cancel();
}

Task<void> ChangeSignal::wait() {
  auto generation = current_;  // kept alive while this waiter sleeps on it
  co_await generation->timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace kaos::net
