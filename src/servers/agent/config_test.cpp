#include "servers/agent/config.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/env_contract.hpp"

namespace kaos::agent {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(AgentConfig, DefaultsFollowKaos) {
  auto c = load_agent_config(env_of({{"AGENT_NAME", "a"}, {"MODEL_API_URL", "http://m:8000/"}, {"MODEL_NAME", "gpt"}}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->name, "a");
  EXPECT_EQ(c->description, "AI Agent");
  EXPECT_EQ(c->instructions, "You are a helpful assistant.");
  EXPECT_EQ(c->port, 8000);
  EXPECT_EQ(c->model_api_url, "http://m:8000");
  EXPECT_EQ(c->max_steps, 5);
  EXPECT_EQ(c->tool_call_mode, ToolCallMode::native);
  EXPECT_TRUE(c->memory_enabled);
  EXPECT_EQ(c->memory_type, "local");
  EXPECT_EQ(c->memory_context_limit, 6u);
  EXPECT_EQ(c->memory_max_sessions, 1000u);
  EXPECT_EQ(c->memory_max_session_events, 500u);
  EXPECT_EQ(c->task_budgets.max_iterations, 10);
  EXPECT_EQ(c->task_budgets.max_runtime_seconds, 300);
  EXPECT_EQ(c->task_budgets.max_tool_calls, 50);
  EXPECT_EQ(c->autonomous_max_iter_runtime_seconds, 60);
  EXPECT_FALSE(c->mock_responses);
}

TEST(AgentConfig, ByteBoundsHaveDefaultsAndComeFromTheEnvironment) {
  auto c = load_agent_config(env_of({{"AGENT_NAME", "a"}, {"DEBUG_MOCK_RESPONSES", "[]"}}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->max_message_bytes, 1024u * 1024);
  EXPECT_EQ(c->memory_max_session_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(c->memory_max_total_bytes, 128u * 1024 * 1024);
  EXPECT_EQ(c->task_store_max_bytes, 64u * 1024 * 1024);
  c = load_agent_config(env_of({{"AGENT_NAME", "a"},
                                {"DEBUG_MOCK_RESPONSES", "[]"},
                                {"AGENT_MAX_MESSAGE_BYTES", "5000"},
                                {"MEMORY_MAX_SESSION_BYTES", "20000"},
                                {"MEMORY_MAX_TOTAL_BYTES", "40000"},
                                {"TASK_STORE_MAX_BYTES", "60000"}}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->max_message_bytes, 5000u);
  EXPECT_EQ(c->memory_max_session_bytes, 20000u);
  EXPECT_EQ(c->memory_max_total_bytes, 40000u);
  EXPECT_EQ(c->task_store_max_bytes, 60000u);
  EXPECT_FALSE(message_too_large(5000, *c));
  auto too_large = message_too_large(5001, *c);
  ASSERT_TRUE(too_large);
  EXPECT_EQ(*too_large, "message of 5001 bytes exceeds the limit of 5000 bytes (AGENT_MAX_MESSAGE_BYTES)");

  auto bad = load_agent_config(
      env_of({{"AGENT_NAME", "a"}, {"DEBUG_MOCK_RESPONSES", "[]"}, {"MEMORY_MAX_TOTAL_BYTES", "lots"}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("MEMORY_MAX_TOTAL_BYTES"), std::string::npos);
}

TEST(AgentConfig, McpServersNameVerbatimAndMcpPathAppended) {
  auto c = load_agent_config(env_of({{"AGENT_NAME", "a"},
                                     {"DEBUG_MOCK_RESPONSES", "[\"x\"]"},
                                     {"MCP_SERVERS", "[calc, web-search]"},
                                     {"MCP_SERVER_calc_URL", "http://calc:8000"},
                                     {"MCP_SERVER_web-search_URL", "http://ws:8000/mcp"}}));
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->mcp_servers.size(), 2u);
  EXPECT_EQ(c->mcp_servers[0].name, "calc");
  EXPECT_EQ(c->mcp_servers[0].url, "http://calc:8000/mcp");
  EXPECT_EQ(c->mcp_servers[1].url, "http://ws:8000/mcp");
}

TEST(AgentConfig, PeersFromPeerAgentsOrSubAgents) {
  auto c = load_agent_config(env_of({{"AGENT_NAME", "a"},
                                     {"DEBUG_MOCK_RESPONSES", "x"},
                                     {"PEER_AGENTS", "worker-1,researcher"},
                                     {"PEER_AGENT_WORKER_1_CARD_URL", "http://w1:8000/.well-known/agent.json"},
                                     {"PEER_AGENT_RESEARCHER_CARD_URL", "http://r:8000"}}));
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->peers.size(), 2u);
  EXPECT_EQ(c->peers[0].name, "worker-1");
  EXPECT_EQ(c->peers[0].url, "http://w1:8000");
  EXPECT_EQ(c->peers[1].url, "http://r:8000");

  auto d = load_agent_config(env_of({{"AGENT_NAME", "a"},
                                     {"DEBUG_MOCK_RESPONSES", "x"},
                                     {"AGENT_SUB_AGENTS", "w:http://w:1,v:http://v:2/"},
                                     {"PEER_AGENTS", "ignored"}}));
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->peers.size(), 2u);
  EXPECT_EQ(d->peers[1].name, "v");
  EXPECT_EQ(d->peers[1].url, "http://v:2");
}

TEST(AgentConfig, EveryProblemIsReportedNamingItsVariable) {
  auto c = load_agent_config(env_of({{"TOOL_CALL_MODE", "fast"},
                                     {"AGENTIC_LOOP_MAX_STEPS", "0"},
                                     {"MEMORY_TYPE", "redis"},
                                     {"MEMORY_ENABLED", "maybe"},
                                     {"MCP_SERVERS", "x"},
                                     {"PEER_AGENTS", "p"},
                                     {"MODEL_API_URL", "ftp://m"}}));
  ASSERT_FALSE(c);
  const auto& m = c.error().message;
  for (const char* var : {"AGENT_NAME", "TOOL_CALL_MODE='fast'", "AGENTIC_LOOP_MAX_STEPS='0'", "MEMORY_ENABLED='maybe'",
                          "MCP_SERVER_x_URL", "PEER_AGENT_P_CARD_URL", "MODEL_API_URL='ftp://m'"})
    EXPECT_NE(m.find(var), std::string::npos) << var << " missing from:\n" << m;
}

TEST(AgentConfig, RedisNeedsAValidUrl) {
  auto missing =
      load_agent_config(env_of({{"AGENT_NAME", "a"}, {"DEBUG_MOCK_RESPONSES", "x"}, {"MEMORY_TYPE", "redis"}}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("MEMORY_REDIS_URL"), std::string::npos);
  auto bad = load_agent_config(env_of({{"AGENT_NAME", "a"},
                                       {"DEBUG_MOCK_RESPONSES", "x"},
                                       {"MEMORY_TYPE", "redis"},
                                       {"MEMORY_REDIS_URL", "http://x"}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("MEMORY_REDIS_URL"), std::string::npos);
  auto ok = load_agent_config(env_of({{"AGENT_NAME", "a"},
                                      {"DEBUG_MOCK_RESPONSES", "x"},
                                      {"MEMORY_TYPE", "Redis"},
                                      {"MEMORY_REDIS_URL", "redis://127.0.0.1:6379/2"}}));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->memory_type, "redis");
}

// The memory env KAOS's operator renders for config.memory (plan/agent_plan.cpp) loads.
TEST(AgentConfig, OperatorMemoryEnvLoads) {
  auto ok = load_agent_config(env_of({{"AGENT_NAME", "a"},
                                      {"DEBUG_MOCK_RESPONSES", "x"},
                                      {"MEMORY_ENABLED", "true"},
                                      {"MEMORY_TYPE", "remote"},
                                      {"MEMORY_MAX_READ_SCOPE", "user"}}));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->memory_type, "remote");
  EXPECT_EQ(ok->memory_max_read_scope, "user");
  auto bad = load_agent_config(
      env_of({{"AGENT_NAME", "a"}, {"DEBUG_MOCK_RESPONSES", "x"}, {"MEMORY_MAX_READ_SCOPE", "group"}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("MEMORY_MAX_READ_SCOPE='group'"), std::string::npos) << bad.error().message;
}

TEST(AgentConfig, ModelUrlRequiredUnlessMocked) {
  auto c = load_agent_config(env_of({{"AGENT_NAME", "a"}}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("MODEL_API_URL is required"), std::string::npos);
  auto n = load_agent_config(env_of({{"AGENT_NAME", "a"}, {"MODEL_API_URL", "http://m"}}));
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message.find("MODEL_NAME"), std::string::npos);
}

TEST(MockResponses, ParsedAsKaosDoes) {
  EXPECT_EQ(parse_mock_responses(R"(["a","b"])"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parse_mock_responses(R"("one")"), (std::vector<std::string>{"one"}));
  EXPECT_EQ(parse_mock_responses("not json"), (std::vector<std::string>{"not json"}));
  auto objs = parse_mock_responses(R"([{"tool_calls":[]}, "t"])");
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[0], R"({"tool_calls":[]})");
}

TEST(PeerEnvName, UpperCaseWithUnderscores) {
  EXPECT_EQ(peer_card_url_var("worker-1.a"), "PEER_AGENT_WORKER_1_A_CARD_URL");
  EXPECT_EQ(mcp_server_url_var("web-search"), "MCP_SERVER_web-search_URL");
}

}  // namespace
}  // namespace kaos::agent
