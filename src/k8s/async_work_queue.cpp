#include "k8s/async_work_queue.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kaos::k8s {

namespace asio = boost::asio;
using Clock = WorkQueue::Clock;

AsyncWorkQueue::AsyncWorkQueue(net::Executor executor, WorkQueueOptions options)
    : executor_(executor), queue_(options), changed_(executor) {}

void AsyncWorkQueue::add(const std::string& key) {
  if (shut_down_) return;
  queue_.add(key, Clock::now());
  changed_.notify();
}

void AsyncWorkQueue::add_after(const std::string& key, std::chrono::milliseconds delay) {
  if (shut_down_) return;
  queue_.add_after(key, delay, Clock::now());
  changed_.notify();  // a waiter may need an earlier timer
}

void AsyncWorkQueue::add_rate_limited(const std::string& key, std::chrono::milliseconds at_least) {
  if (shut_down_) return;
  queue_.add_rate_limited(key, Clock::now(), at_least);
  changed_.notify();
}

void AsyncWorkQueue::done(const std::string& key) {
  queue_.done(key, Clock::now());
  changed_.notify();
}

void AsyncWorkQueue::shut_down() {
  shut_down_ = true;
  changed_.notify();
}

net::Task<std::optional<std::string>> AsyncWorkQueue::get() {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    if (shut_down_) co_return std::nullopt;
    if (auto key = queue_.pop(Clock::now())) co_return key;
    const auto due = queue_.next_due();
    timer.expires_at(due ? *due : Clock::time_point::max());
    // Whichever comes first: an add/done/shutdown, or the earliest delayed key falling due.
    co_await (changed_.wait() || timer.async_wait(asio::use_awaitable));
  }
}

}  // namespace kaos::k8s
