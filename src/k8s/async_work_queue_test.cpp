#include "k8s/async_work_queue.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace kaos::k8s {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(AsyncWorkQueue, WorkersGetKeysAsTheyArriveAndDelayedOnesWhenDue) {
  asio::io_context io;
  AsyncWorkQueue queue(io.get_executor());
  std::vector<std::string> seen;
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration delayed_at{};
  auto worker = [&]() -> net::Task<void> {
    while (auto key = co_await queue.get()) {
      seen.push_back(*key);
      if (*key == "later") delayed_at = std::chrono::steady_clock::now() - start;
      queue.done(*key);
      if (seen.size() == 3) queue.shut_down();
    }
  };
  asio::co_spawn(io, worker(), asio::detached);
  asio::co_spawn(io, worker(), asio::detached);
  queue.add_after("later", 80ms);
  queue.add("a");
  queue.add("b");
  io.run_for(5s);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], "a");
  EXPECT_EQ(seen[1], "b");
  EXPECT_EQ(seen[2], "later");
  EXPECT_GE(delayed_at, 80ms);
  EXPECT_TRUE(io.stopped()) << "shut_down must release every waiting worker";
}

TEST(AsyncWorkQueue, AShorterDelayAddedWhileWaitingWakesTheWorkerEarlier) {
  asio::io_context io;
  AsyncWorkQueue queue(io.get_executor());
  std::optional<std::string> got;
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration got_at{};
  asio::co_spawn(
      io,
      [&]() -> net::Task<void> {
        got = co_await queue.get();
        got_at = std::chrono::steady_clock::now() - start;
      },
      asio::detached);
  queue.add_after("slow", 10s);
  asio::steady_timer later(io, 20ms);
  later.async_wait([&](auto) { queue.add_after("fast", 30ms); });
  io.run_for(5s);
  EXPECT_EQ(got, "fast");
  EXPECT_LT(got_at, 2s);
}

}  // namespace
}  // namespace kaos::k8s
