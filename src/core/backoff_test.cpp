// Backoff's schedule and jitter bounds, and secure_random_hex's shape.
#include "core/backoff.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/ids.hpp"

namespace kaos {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, CeilingDoublesFromInitialAndStopsAtMax) {
  Backoff b{milliseconds(1000), milliseconds(30'000), 1.0};
  std::vector<long long> want = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
  for (int attempt = 1; attempt <= 8; ++attempt)
    EXPECT_EQ(b.ceiling(attempt).count(), want[attempt - 1]) << "attempt " << attempt;
  // With no jitter the delay is the ceiling: the local runtime's restart schedule.
  for (int attempt = 1; attempt <= 8; ++attempt) EXPECT_EQ(b.delay(attempt), b.ceiling(attempt));
}

TEST(Backoff, JitterStaysWithinItsBounds) {
  Backoff full{milliseconds(100), milliseconds(1000), 0.0};
  Backoff floored{milliseconds(100), milliseconds(1000), 0.1};
  std::set<long long> seen;
  for (int i = 0; i < 2000; ++i) {
    auto d = full.delay(3).count();  // ceiling 400
    EXPECT_GE(d, 0);
    EXPECT_LE(d, 400);
    seen.insert(d);
    auto f = floored.delay(5).count();  // ceiling 1000 (capped from 1600)
    EXPECT_GE(f, 100);
    EXPECT_LE(f, 1000);
  }
  EXPECT_GT(seen.size(), 50u) << "full jitter should spread the delays";
}

TEST(Backoff, ZeroInitialMeansNoWait) {
  Backoff b{milliseconds(0), milliseconds(1000)};
  EXPECT_EQ(b.ceiling(4).count(), 0);
  EXPECT_EQ(b.delay(4).count(), 0);
}

TEST(SecureRandomHex, LengthAlphabetAndNoRepeats) {
  std::set<std::string> seen;
  for (std::size_t n : {1u, 8u, 31u, 32u, 64u}) {
    auto s = secure_random_hex(n);
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos) << s;
  }
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(secure_random_hex(32)).second);
}

}  // namespace
}  // namespace kaos
