#include "protocol/mcp/mcp.hpp"

#include <gtest/gtest.h>

namespace kaos::protocol::mcp {
namespace {

TEST(McpVersions, NegotiationKeepsSupportedVersionsAndOffersTheLatestOtherwise) {
  EXPECT_EQ(negotiate_version("2025-06-18"), "2025-06-18");
  EXPECT_EQ(negotiate_version("2024-11-05"), "2024-11-05");
  EXPECT_EQ(negotiate_version("2026-01-01"), kLatestVersion);
  EXPECT_EQ(negotiate_version(""), kLatestVersion);
  EXPECT_TRUE(is_supported_version("2025-03-26"));
  EXPECT_FALSE(is_supported_version("2025-03-27"));
  EXPECT_TRUE(version_at_least("2025-11-25", "2025-06-18"));
  EXPECT_FALSE(version_at_least("2025-03-26", "2025-06-18"));
}

TEST(McpLogging, LevelsRankBySeverity) {
  EXPECT_EQ(log_level_rank("debug"), 0);
  EXPECT_LT(*log_level_rank("warning"), *log_level_rank("error"));
  EXPECT_FALSE(log_level_rank("verbose"));
}

TEST(McpContent, ToolResultsCarryStructuredContentAndErrors) {
  json::value structured = json::object{{"n", 1}};
  auto ok = tool_result(json::array{text_content("hi")}, &structured);
  EXPECT_EQ(to_json(ok), R"({"content":[{"type":"text","text":"hi"}],"structuredContent":{"n":1}})");
  EXPECT_EQ(to_json(tool_error_result("boom")), R"({"content":[{"type":"text","text":"boom"}],"isError":true})");
  EXPECT_EQ(to_json(progress_params(json::value("t"), 50, 100.0)),
            R"({"progressToken":"t","progress":5E1,"total":1E2})");
}

TEST(McpContent, Base64MatchesRfc4648Vectors) {
  // RFC 4648 §10 test vectors.
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\x10", 3)), "/wAQ");
}

}  // namespace
}  // namespace kaos::protocol::mcp
