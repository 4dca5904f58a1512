// The routing rule for messages a stdio child sends on its own.
#include "servers/mcp/stdio/pending_requests.hpp"

#include <gtest/gtest.h>

namespace kaos::mcp::stdio_detail {
namespace {

json::value params_with_token(json::value token) {
  return json::object{{"_meta", json::object{{"progressToken", std::move(token)}}}};
}

TEST(PendingRequests, ProgressFollowsItsTokenOtherMessagesTheNewestRequest) {
  PendingRequests p;
  EXPECT_TRUE(p.related("notifications/message", nullptr).is_null()) << "nothing pending: session-wide";
  p.add(1, params_with_token("a"));
  p.add("two", params_with_token(7));
  p.add(3, json::object{});
  EXPECT_EQ(p.related("notifications/progress", json::object{{"progressToken", "a"}}), json::value(1));
  EXPECT_EQ(p.related("notifications/progress", json::object{{"progressToken", 7}}), json::value("two"));
  // A token nobody holds, "7" as a string (not the number 7), and other methods: the newest.
  EXPECT_EQ(p.related("notifications/progress", json::object{{"progressToken", "zzz"}}), json::value(3));
  EXPECT_EQ(p.related("notifications/progress", json::object{{"progressToken", "7"}}), json::value(3));
  EXPECT_EQ(p.related("sampling/createMessage", json::object{}), json::value(3));
}

TEST(PendingRequests, TakeMatchesIdsByValueAndKeepsTheClientsSpelling) {
  PendingRequests p;
  p.add(json::value(std::uint64_t{5}), nullptr);
  p.add("5", nullptr);
  auto taken = p.take(json::value(std::int64_t{5}));  // same number, other storage
  ASSERT_TRUE(taken.has_value());
  EXPECT_TRUE(taken->is_uint64());
  EXPECT_FALSE(p.take(5).has_value()) << "taken twice";
  EXPECT_EQ(p.size(), 1u);
  EXPECT_TRUE(p.take("5").has_value());
  EXPECT_TRUE(p.empty());
}

TEST(PendingRequests, TakeAllIsOldestFirst) {
  PendingRequests p;
  for (int i : {9, 3, 7}) p.add(i, nullptr);
  EXPECT_EQ(p.take_all(), (std::vector<json::value>{9, 3, 7}));
  EXPECT_TRUE(p.empty());
}

}  // namespace
}  // namespace kaos::mcp::stdio_detail
