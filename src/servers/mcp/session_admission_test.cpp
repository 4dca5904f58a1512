#include "servers/mcp/session_admission.hpp"

#include <gtest/gtest.h>

namespace kaos::mcp::detail {
namespace {

using Clock = std::chrono::steady_clock;
using Verdict = Admission::Verdict;

SessionSnapshot row(std::string_view id, std::string_view client, bool idle, int age_seconds) {
  return {id, client, idle, Clock::time_point{} + std::chrono::hours(1) - std::chrono::seconds(age_seconds)};
}

TEST(ClientIdentity, IsTheAddressWithoutThePortUnlessAKeyNamesTheClient) {
  EXPECT_EQ(client_identity("10.0.0.7:51234"), client_identity("10.0.0.7:40000"));
  EXPECT_NE(client_identity("10.0.0.7:51234"), client_identity("10.0.0.8:51234"));
  EXPECT_EQ(client_identity("::1:5678"), "addr:::1");
  EXPECT_EQ(client_identity("10.0.0.7:1", "team-a"), "key:team-a");
  EXPECT_NE(client_identity("10.0.0.7:1", "team-a"), client_identity("10.0.0.7:1", "team-b"));
}

TEST(DecideAdmission, AdmitsBelowBothLimits) {
  std::vector<SessionSnapshot> t{row("a1", "A", true, 5)};
  auto d = decide_admission(t, "B", {10, 2});
  EXPECT_EQ(d.verdict, Verdict::admit);
  EXPECT_FALSE(d.evict);
}

TEST(DecideAdmission, AClientAtItsLimitLosesItsOwnOldestIdleSession) {
  std::vector<SessionSnapshot> t{row("b1", "B", true, 100), row("a1", "A", true, 30), row("a2", "A", true, 50),
                                 row("a3", "A", false, 90)};
  auto d = decide_admission(t, "A", {10, 3});
  EXPECT_EQ(d.verdict, Verdict::admit);
  EXPECT_EQ(d.evict, "a2");  // a3 is older but busy; b1 is older but not A's
}

TEST(DecideAdmission, AClientWhoseSessionsAreAllBusyIsRefused) {
  std::vector<SessionSnapshot> t{row("b1", "B", true, 100), row("a1", "A", false, 30), row("a2", "A", false, 50)};
  EXPECT_EQ(decide_admission(t, "A", {10, 2}).verdict, Verdict::client_at_limit);
}

TEST(DecideAdmission, AFullServerTakesFromTheBiggestHolder) {
  std::vector<SessionSnapshot> t{row("b1", "B", true, 500), row("a1", "A", true, 10), row("a2", "A", true, 20),
                                 row("c1", "C", true, 400)};
  auto d = decide_admission(t, "D", {4, 10});
  EXPECT_EQ(d.verdict, Verdict::admit);
  EXPECT_EQ(d.evict, "a2");
}

TEST(DecideAdmission, AFullServerSkipsHoldersWithNothingIdle) {
  std::vector<SessionSnapshot> t{row("a1", "A", false, 10), row("a2", "A", false, 20), row("b1", "B", true, 1)};
  EXPECT_EQ(decide_admission(t, "C", {3, 10}).evict, "b1");
  std::vector<SessionSnapshot> busy{row("a1", "A", false, 10), row("b1", "B", false, 1)};
  EXPECT_EQ(decide_admission(busy, "C", {2, 10}).verdict, Verdict::server_at_limit);
}

}  // namespace
}  // namespace kaos::mcp::detail
