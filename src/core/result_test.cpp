// Error: kinds, their names, and the status/code a producer attaches.
#include "core/result.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace kaos {
namespace {

TEST(Error, KindNamesAreTheShortCodesLogsShow) {
  EXPECT_EQ(to_string(ErrorKind::invalid), "invalid");
  EXPECT_EQ(to_string(ErrorKind::not_found), "not_found");
  EXPECT_EQ(to_string(ErrorKind::too_large), "too_large");
  EXPECT_EQ(to_string(ErrorKind::session_expired), "session_expired");
  EXPECT_EQ(to_string(ErrorKind::agent), "agent");
  std::ostringstream out;
  out << ErrorKind::connect;
  EXPECT_EQ(out.str(), "connect");
}

TEST(Error, EveryKindHasItsOwnName) {
  // A kind added without a name would print "unknown"; two kinds sharing a name would make
  // logs ambiguous.
  std::set<std::string_view> names;
  for (int k = 0; k <= static_cast<int>(ErrorKind::agent); ++k) {
    auto name = to_string(static_cast<ErrorKind>(k));
    EXPECT_NE(name, "unknown") << "kind " << k;
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
}

TEST(Error, FactoriesSetTheKindAndKeepTheMessage) {
  EXPECT_EQ(Error::timeout("slow").kind, ErrorKind::timeout);
  EXPECT_EQ(Error::timeout("slow").message, "slow");
  EXPECT_EQ(Error::cancelled().message, "cancelled");
  EXPECT_EQ(Error::connect("refused").kind, ErrorKind::connect);
  EXPECT_FALSE(Error::io("broken").http_status.has_value());
  EXPECT_FALSE(Error::io("broken").rpc_code.has_value());
}

TEST(Error, HttpAndRpcCarryWhatCallersBranchOn) {
  auto denied = Error::http(401, "POST /mcp answered HTTP 401: no");
  EXPECT_EQ(denied.kind, ErrorKind::http);
  EXPECT_EQ(denied.http_status, 401);
  auto upstream = Error::http(503, "model API returned 503", ErrorKind::upstream);
  EXPECT_EQ(upstream.kind, ErrorKind::upstream);
  EXPECT_EQ(upstream.http_status, 503);

  auto missing = Error::rpc(-32001, "Task not found: t1");
  EXPECT_EQ(missing.kind, ErrorKind::rpc);
  EXPECT_EQ(missing.rpc_code, -32001);
  EXPECT_FALSE(missing.http_status.has_value());
  EXPECT_EQ(Error::rpc(-32601, "Method not found", ErrorKind::remote).kind, ErrorKind::remote);
}

TEST(Error, RewordedKeepsKindStatusAndCode) {
  auto e = Error::http(404, "HTTP 404").reworded("the local runtime did not answer: HTTP 404");
  EXPECT_EQ(e.kind, ErrorKind::http);
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.message, "the local runtime did not answer: HTTP 404");
  EXPECT_EQ(Error::rpc(-32001, "x").reworded("y").rpc_code, -32001);
}

TEST(Error, ResultCarriesTheError) {
  Result<int> failed = Error::not_found("no such agent");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorKind::not_found);
  Result<void> also = Error::http(500, "HTTP 500");
  ASSERT_FALSE(also);
  EXPECT_EQ(also.error().http_status, 500);
}

}  // namespace
}  // namespace kaos
