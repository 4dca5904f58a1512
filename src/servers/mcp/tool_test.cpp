#include "servers/mcp/tool.hpp"

#include <gtest/gtest.h>

namespace kaos::mcp {
namespace {

TEST(ResourceTemplate, MatchesLevelOneTemplatesAndExtractsVariables) {
  ResourceTemplate t;
  t.uri_template = "test://template/{id}/data";
  auto vars = t.match("test://template/123/data");
  ASSERT_TRUE(vars);
  EXPECT_EQ(vars->at("id"), "123");
  EXPECT_FALSE(t.match("test://template//data"));       // empty variable
  EXPECT_FALSE(t.match("test://template/1/2/data"));    // a variable never spans '/'
  EXPECT_FALSE(t.match("test://template/123/data/x"));  // trailing text
  EXPECT_FALSE(t.match("other://template/123/data"));

  ResourceTemplate two;
  two.uri_template = "file:///{dir}/{name}.txt";
  vars = two.match("file:///docs/readme.txt");
  ASSERT_TRUE(vars);
  EXPECT_EQ(vars->at("dir"), "docs");
  EXPECT_EQ(vars->at("name"), "readme");
}

TEST(ToolDescriptions, ListEntriesFollowTheSpecShape) {
  Tool tool;
  tool.name = "echo";
  tool.description = "Echoes";
  EXPECT_EQ(to_json(tool.describe()),
            R"({"name":"echo","description":"Echoes","inputSchema":{"type":"object","properties":{}}})");
  Prompt p;
  p.name = "greet";
  p.arguments = {{"who", "", true, {}}};
  EXPECT_EQ(to_json(p.describe()), R"({"name":"greet","description":"","arguments":[{"name":"who","required":true}]})");
  EXPECT_EQ(to_json(ToolResult::error("bad").to_json()),
            R"({"content":[{"type":"text","text":"bad"}],"isError":true})");
}

}  // namespace
}  // namespace kaos::mcp
