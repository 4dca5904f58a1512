#include "control/operator/names.hpp"

#include <gtest/gtest.h>

namespace kaos::control::operator_ {
namespace {

TEST(Names, ChildrenFollowKaosPrefixes) {
  EXPECT_EQ(child_name("Agent", "a"), "agent-a");
  EXPECT_EQ(child_name("MCPServer", "m"), "mcpserver-m");
  EXPECT_EQ(child_name("ModelAPI", "x"), "modelapi-x");
  EXPECT_EQ(litellm_config_name("x"), "litellm-config-x");
  EXPECT_EQ(child_prefix("AccessGrant"), "");
}

TEST(Names, OnlyTheThreeWorkloadKindsHaveFinalizers) {
  EXPECT_EQ(finalizer_of("Agent"), "kaos.tools/agent-finalizer");
  EXPECT_EQ(finalizer_of("MCPServer"), "kaos.tools/mcpserver-finalizer");
  EXPECT_EQ(finalizer_of("ModelAPI"), "kaos.tools/modelapi-finalizer");
  EXPECT_EQ(finalizer_of("MemoryStore"), "");
}

TEST(Names, RoutesFilesAndIdentities) {
  EXPECT_EQ(http_route_name("MCPServer", "t"), "mcp-t");
  EXPECT_EQ(http_route_name("ModelAPI", "x"), "modelapi-x");
  EXPECT_EQ(http_route_name("Agent", "a"), "agent-a");
  EXPECT_EQ(logical_id("MCPServer", "ns", "t"), "kaos://mcpserver/ns/t");
  EXPECT_EQ(files_config_map_name("ModelAPI", "x"), "litellm-config-x");
  EXPECT_EQ(files_config_map_name("Agent", "a"), "agent-a-files");
  EXPECT_EQ(files_mount_path("ModelAPI"), "/etc/litellm");
  EXPECT_EQ(container_name("MCPServer"), "mcp-server");
}

}  // namespace
}  // namespace kaos::control::operator_
