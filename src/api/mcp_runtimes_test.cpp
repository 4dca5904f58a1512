#include "api/mcp_runtimes.hpp"

#include <gtest/gtest.h>

namespace kaos::api {
namespace {

TEST(McpRuntimes, Builtins) {
  auto r = builtin_mcp_runtimes();
  ASSERT_NE(r.find("python-string"), nullptr);
  EXPECT_EQ(r.find("python-string")->params_env_var, "MCP_TOOLS_STRING");
  EXPECT_EQ(r.find("python-string")->transport, "http");
  EXPECT_EQ(r.find("kubernetes")->args, (std::vector<std::string>{"--port", "8000"}));
  EXPECT_EQ(r.find("slack")->required_env, (std::vector<std::string>{"SLACK_BOT_TOKEN", "SLACK_TEAM_ID"}));
  EXPECT_EQ(r.find("slack")->command, (std::vector<std::string>{"--transport", "http", "--port", "8000"}));
  ASSERT_NE(r.find("stdio"), nullptr);
  EXPECT_EQ(r.find("stdio")->type, "stdio");
  EXPECT_EQ(r.find("stdio")->transport, "stdio");
  EXPECT_TRUE(r.find("stdio")->image.empty()) << "the MCPServer's container supplies the stdio server";
  EXPECT_NE(r.find("stdio")->description.find("kaos mcp --runtime stdio"), std::string::npos);
  EXPECT_EQ(r.runtimes.size(), 4u);
  EXPECT_EQ(r.find("custom"), nullptr);
}

TEST(McpRuntimes, ParsesRegistryText) {
  auto r = parse_mcp_runtimes(R"(runtimes:
  # a comment
  echo:
    type: python
    image: reg/echo:1
    description: "Echo"
    command: [python, -m, echo]
    args: ["--port", "8000"]
    paramsEnvVar: ECHO_PARAMS
    transport: http
    requiredEnv: [TOKEN]
  bare:
)");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto* echo = r->find("echo");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->name, "echo");
  EXPECT_EQ(echo->image, "reg/echo:1");
  EXPECT_EQ(echo->command.size(), 3u);
  EXPECT_EQ(echo->params_env_var, "ECHO_PARAMS");
  EXPECT_EQ(echo->required_env, std::vector<std::string>{"TOKEN"});
  ASSERT_NE(r->find("bare"), nullptr);

  auto merged = merge_mcp_runtimes(builtin_mcp_runtimes(), *r);
  EXPECT_EQ(merged.runtimes.size(), 6u);  // 4 built-ins + echo + bare
  EXPECT_EQ(to_json(merged).at("runtimes").at("echo").at("paramsEnvVar"), "ECHO_PARAMS");
}

TEST(McpRuntimes, StrictErrors) {
  auto r = parse_mcp_runtimes("runtimes:\n  x:\n    image: 1\n    requiredEnv: A\n    port: 8000\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(
      r.error().message,
      "runtimes.yaml: runtimes.x.image: expected string, got integer; runtimes.x.requiredEnv: expected array, got "
      "string; runtimes.x.port: unknown field");
  EXPECT_FALSE(parse_mcp_runtimes("runtimes: [\n").has_value());
}

TEST(McpRuntimes, FromConfigMap) {
  json::value cm = json::object{{"apiVersion", "v1"},
                                {"kind", "ConfigMap"},
                                {"data", json::object{{"runtimes.yaml", "runtimes:\n  a: {image: x}\n"}}}};
  auto r = parse_mcp_runtimes_configmap(cm);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->find("a")->image, "x");
  EXPECT_FALSE(parse_mcp_runtimes_configmap(json::object{}).has_value());
}

}  // namespace
}  // namespace kaos::api
