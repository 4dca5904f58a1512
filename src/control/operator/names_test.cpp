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

}  // namespace
}  // namespace kaos::control::operator_
