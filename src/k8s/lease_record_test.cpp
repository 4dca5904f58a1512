#include "k8s/lease_record.hpp"

#include <gtest/gtest.h>

namespace kaos::k8s {
namespace {

using namespace std::chrono_literals;
using Clock = LeaseObserver::Clock;

TEST(LeaseRecord, RoundTripsThroughTheLeaseSpec) {
  LeaseRecord r{"op-1", 15, "2026-12-07T10:00:00.000000Z", "2026-12-07T10:00:02.000000Z", 3};
  json::object lease{{"spec", lease_spec(r)}};
  EXPECT_EQ(read_lease_record(lease), r);
  EXPECT_EQ(read_lease_record(json::object{}).holder, "");
}

TEST(LeaseObserver, AnotherHoldersLeaseExpiresOnlyAfterItStopsChangingForItsDuration) {
  LeaseObserver o;
  const auto t = Clock::time_point{} + 1h;
  EXPECT_TRUE(o.may_acquire("b", t)) << "nothing observed: free";
  LeaseRecord held{"a", 15, "x", "r1", 0};
  o.observe(held, t);
  EXPECT_FALSE(o.may_acquire("b", t + 10s));
  held.renew_time = "r2";  // a renewed
  o.observe(held, t + 10s);
  EXPECT_FALSE(o.may_acquire("b", t + 20s)) << "renewed at +10s: valid until +25s";
  o.observe(held, t + 20s);  // the same record again does not restart the clock
  EXPECT_TRUE(o.may_acquire("b", t + 26s));
  EXPECT_TRUE(o.may_acquire("a", t + 11s)) << "the holder may always renew";
}

TEST(LeaseObserver, AReleasedLeaseIsFreeAtOnce) {
  LeaseObserver o;
  const auto t = Clock::time_point{} + 1h;
  o.observe(release(LeaseRecord{"a", 15, "x", "r", 2}, "r3"), t);
  EXPECT_TRUE(o.may_acquire("b", t));
}

TEST(Claim, CountsTransitionsOnlyWhenTakingFromAnother) {
  auto first = claim(std::nullopt, "a", 15, "t1");
  EXPECT_EQ(first.transitions, 0);
  EXPECT_EQ(first.acquire_time, "t1");
  auto renewed = claim(first, "a", 15, "t2");
  EXPECT_EQ(renewed.transitions, 0);
  EXPECT_EQ(renewed.acquire_time, "t1");
  EXPECT_EQ(renewed.renew_time, "t2");
  auto taken = claim(renewed, "b", 15, "t3");
  EXPECT_EQ(taken.transitions, 1);
  EXPECT_EQ(taken.holder, "b");
  EXPECT_EQ(taken.acquire_time, "t3");
  auto released = release(taken, "t4");
  EXPECT_EQ(released.holder, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(claim(released, "c", 15, "t5").transitions, 1) << "a free lease is taken without a transition";
}

}  // namespace
}  // namespace kaos::k8s
