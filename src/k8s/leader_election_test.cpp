// Leader election against the stand-in: one of two candidates leads; the other takes over when
// the leader releases the Lease or stops renewing it; a leader that can no longer write the
// Lease steps down within its renew deadline.
#include "k8s/leader_election.hpp"

#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "k8s/api_error.hpp"
#include "k8s/standin_test_support.hpp"
#include "net/testing.hpp"

namespace kaos::k8s {
namespace {

using namespace std::chrono_literals;
using net::testing::Loop;
namespace asio = boost::asio;

const ResourceType kLeases{"coordination.k8s.io", "v1", "leases", "Lease", true};

LeaderElectionConfig fast(std::string identity) {
  return {"default", "kaos-operator.kaos.tools", std::move(identity), 2'000ms, 1'000ms, 200ms};
}

net::Task<std::string> holder(RestClient& client) {
  auto lease = co_await client.get(kLeases, "default", "kaos-operator.kaos.tools");
  if (!lease) co_return "<" + lease.error().message + ">";
  co_return read_lease_record(*lease).holder;
}

// Runs `task` but gives up after `limit` (false when it timed out).
net::Task<bool> within(net::Task<void> task, std::chrono::milliseconds limit) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto r = co_await (std::move(task) || timer.async_wait(asio::use_awaitable));
  co_return r.index() == 0;
}

class LeaderElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::StandIn::start({});
    ASSERT_TRUE(s) << s.error().message;
    standin_ = std::move(*s);
    a_ = std::make_unique<RestClient>(loop_.executor(), standin_->config());
    b_ = std::make_unique<RestClient>(loop_.executor(), standin_->config());
  }
  Loop loop_;
  std::unique_ptr<testing::StandIn> standin_;
  std::unique_ptr<RestClient> a_, b_;
};

TEST_F(LeaderElectionTest, OneLeadsAndTheOtherTakesOverWhenTheLeaseIsReleased) {
  LeaderElector first(*a_, fast("first"));
  LeaderElector second(*b_, fast("second"));
  ASSERT_TRUE(loop_.run(first.acquire()));
  EXPECT_TRUE(first.leading());
  EXPECT_EQ(loop_.run(holder(*a_)), "first");
  // The second waits while the first renews: within two lease durations it never leads.
  EXPECT_FALSE(loop_.run([&]() -> net::Task<bool> {
    using namespace asio::experimental::awaitable_operators;
    auto r =
        co_await (first.hold() || within([&]() -> net::Task<void> { (void)co_await second.acquire(); }(), 4'000ms));
    co_return r.index() == 1 && std::get<1>(r);
  }()));
  EXPECT_FALSE(second.leading());
  EXPECT_TRUE(first.leading()) << "the first kept renewing";
  ASSERT_TRUE(loop_.run(first.release()));
  EXPECT_FALSE(first.leading());
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(loop_.run(second.acquire()));
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1'000ms) << "a released lease is taken at once";
  EXPECT_EQ(loop_.run(holder(*b_)), "second");
  auto lease = loop_.run(b_->get(kLeases, "default", "kaos-operator.kaos.tools"));
  ASSERT_TRUE(lease);
  EXPECT_EQ(read_lease_record(*lease).transitions, 0) << "a released lease is taken without a transition";
}

TEST_F(LeaderElectionTest, TheOtherTakesOverWhenTheLeaderStopsRenewing) {
  LeaderElector first(*a_, fast("first"));
  LeaderElector second(*b_, fast("second"));
  ASSERT_TRUE(loop_.run(first.acquire()));
  // The first dies (never renews). The second leads after the lease duration, not before.
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(loop_.run(second.acquire()));
  const auto waited = std::chrono::steady_clock::now() - before;
  EXPECT_GE(waited, 2'000ms);
  EXPECT_LT(waited, 6'000ms);
  auto lease = loop_.run(b_->get(kLeases, "default", "kaos-operator.kaos.tools"));
  ASSERT_TRUE(lease);
  EXPECT_EQ(read_lease_record(*lease).holder, "second");
  EXPECT_EQ(read_lease_record(*lease).transitions, 1);
  // The old leader, back, sees it lost the lease and stops at once.
  EXPECT_TRUE(loop_.run(within(first.hold(), 3'000ms)));
  EXPECT_FALSE(first.leading());
}

TEST_F(LeaderElectionTest, ALeaderThatCannotRenewStepsDownWithinItsDeadline) {
  LeaderElector first(*a_, fast("first"));
  ASSERT_TRUE(loop_.run(first.acquire()));
  // Every Lease request fails from now on.
  auto inject = loop_.run(
      a_->request("POST", "/_standin/inject", R"({"pathPrefix":"/apis/coordination.k8s.io","code":500,"count":1000})"));
  ASSERT_TRUE(inject) << inject.error().message;
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(loop_.run(within(first.hold(), 5'000ms)));
  EXPECT_FALSE(first.leading());
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2'000ms) << "renew deadline 1 s";
}

}  // namespace
}  // namespace kaos::k8s
