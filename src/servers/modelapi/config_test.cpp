#include <gtest/gtest.h>

#include <map>

#include "core/yaml.hpp"
#include "servers/modelapi/config.hpp"

using namespace kaos;
using namespace kaos::modelapi;

namespace {
EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
}  // namespace

// The config KAOS's operator generates for a Proxy ModelAPI with models [gpt-4o, *], provider
// openai, apiBase and apiKey (the renderer's own test, plan/litellm_config_test.cpp, pins the
// same bytes; a server may not include plan, so they are written out here).
constexpr const char* kKaosGeneratedConfig =
    "# Auto-generated LiteLLM config\n"
    "model_list:\n"
    "  - model_name: \"gpt-4o\"\n"
    "    litellm_params:\n"
    "      model: \"openai/gpt-4o\"\n"
    "      api_base: \"os.environ/PROXY_API_BASE\"\n"
    "      api_key: \"os.environ/PROXY_API_KEY\"\n"
    "  - model_name: \"*\"\n"
    "    litellm_params:\n"
    "      model: \"openai/*\"\n"
    "      api_base: \"os.environ/PROXY_API_BASE\"\n"
    "      api_key: \"os.environ/PROXY_API_KEY\"\n"
    "\n"
    "litellm_settings:\n"
    "  drop_params: true\n";

TEST(Config, KaosGeneratedConfigWithEnvRefs) {
  auto yaml = kKaosGeneratedConfig;
  auto cfg = load_gateway_config(yaml, env_of({{"PROXY_API_BASE", "http://up:9/v1/"}, {"PROXY_API_KEY", "sk-1"}}));
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_EQ(cfg->deployments.size(), 2u);
  const auto& d = cfg->deployments[0];
  EXPECT_EQ(d.model_name, "gpt-4o");
  EXPECT_EQ(d.provider, "openai");
  EXPECT_EQ(d.upstream_model, "gpt-4o");
  EXPECT_EQ(d.api_base, "http://up:9/v1");
  EXPECT_EQ(d.api_key, "sk-1");
  EXPECT_EQ(d.timeout, std::chrono::milliseconds(600'000));
  EXPECT_TRUE(cfg->drop_params);
  EXPECT_EQ(cfg->deployments[1].upstream_model, "*");
}

TEST(Config, MissingEnvVarIsNamed) {
  auto cfg = load_gateway_config(
      "model_list:\n"
      "  - model_name: \"m\"\n"
      "    litellm_params:\n"
      "      model: \"m\"\n"
      "      api_base: \"os.environ/PROXY_API_BASE\"\n"
      "      api_key: \"os.environ/PROXY_API_KEY\"\n",
      env_of({{"PROXY_API_BASE", "http://x"}}));
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("PROXY_API_KEY"), std::string::npos) << cfg.error().message;
  EXPECT_NE(cfg.error().message.find("model_list[0].litellm_params.api_key"), std::string::npos) << cfg.error().message;
}

TEST(Config, SettingsAndMasterKey) {
  auto cfg = load_gateway_config(R"(
model_list:
  - model_name: fast
    litellm_params: {model: mock/fast, mock_latency_ms: 5, mock_chunks: 3, timeout: 2.5}
  - model_name: claude
    litellm_params: {model: anthropic/claude-3-5-sonnet, api_key: k}
  - model_name: local
    litellm_params: {model: ollama/llama3, api_base: "http://h:11434"}
litellm_settings: {drop_params: false, num_retries: 4, request_timeout: 30}
router_settings: {routing_strategy: least-busy, allowed_fails: 2, cooldown_time: 1}
general_settings: {master_key: os.environ/MK}
)",
                                 env_of({{"MK", "sk-master"}}));
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->master_key, "sk-master");
  EXPECT_EQ(cfg->num_retries, 4);
  EXPECT_EQ(cfg->timeout, std::chrono::seconds(30));
  EXPECT_EQ(cfg->allowed_fails, 2);
  EXPECT_EQ(cfg->cooldown, std::chrono::seconds(1));
  EXPECT_EQ(cfg->strategy, RoutingStrategy::least_busy);
  const auto& mock = cfg->deployments[0];
  EXPECT_EQ(mock.kind, ProviderKind::mock);
  EXPECT_EQ(mock.mock.latency, std::chrono::milliseconds(5));
  EXPECT_EQ(mock.mock.chunks, 3);
  EXPECT_EQ(mock.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(cfg->deployments[1].kind, ProviderKind::anthropic);
  EXPECT_EQ(cfg->deployments[1].api_base, "https://api.anthropic.com");
  EXPECT_EQ(cfg->deployments[1].timeout, std::chrono::seconds(30));
  EXPECT_EQ(cfg->deployments[2].api_base, "http://h:11434/v1");
  EXPECT_EQ(cfg->deployments[2].upstream_model, "llama3");
}

TEST(Config, ErrorsNameTheField) {
  auto env = env_of({});
  auto err = [&](std::string_view yaml) {
    auto c = load_gateway_config(yaml, env);
    EXPECT_FALSE(c) << yaml;
    return c ? std::string() : c.error().message;
  };
  EXPECT_NE(err("{}").find("model_list is required"), std::string::npos);
  EXPECT_NE(err("model_list: []").find("at least one"), std::string::npos);
  EXPECT_NE(err("model_list: [{litellm_params: {model: x}}]").find("model_list[0].model_name"), std::string::npos);
  EXPECT_NE(err("model_list: [{model_name: a}]").find("model_list[0].litellm_params"), std::string::npos);
  EXPECT_NE(err("model_list: [{model_name: a, litellm_params: {}}]").find("model_list[0].litellm_params.model"),
            std::string::npos);
  EXPECT_NE(err("model_list: [{model_name: a, litellm_params: {model: foo/bar}}]").find("api_base is required"),
            std::string::npos);
  EXPECT_NE(err("model_list: [{model_name: a, litellm_params: {model: hosted_vllm/x}}]").find("api_base is required"),
            std::string::npos);
  EXPECT_NE(err("model_list: [{model_name: a, litellm_params: {model: mock/a, timeout: abc}}]").find("timeout"),
            std::string::npos);
  // fuzz/litellm_config: 2.5e40 seconds overflowed int64 milliseconds (undefined behaviour).
  EXPECT_NE(err("model_list: [{model_name: a, litellm_params: {model: mock/a, timeout: 2.5e40}}]").find("at most 1e9"),
            std::string::npos);
  EXPECT_NE(err("model_list: [{model_name: a, litellm_params: {model: mock/a}}]\nlitellm_settings: {num_retries: -1}")
                .find("litellm_settings.num_retries"),
            std::string::npos);
  EXPECT_NE(err("model_list: [ {model_name: a, litellm_params: {model: mock/a}} ").find("YAML"), std::string::npos);
}

TEST(Config, UnknownPrefixWithApiBaseAndBareModels) {
  auto cfg = load_gateway_config(R"(
model_list:
  - {model_name: a, litellm_params: {model: myco/llama, api_base: "http://x:1/v1"}}
  - {model_name: b, litellm_params: {model: gpt-4o-mini}}
  - {model_name: c, litellm_params: {model: claude-3-haiku}}
  - {model_name: "*", litellm_params: {model: "*", api_base: "http://y:2"}}
)",
                                 env_of({}));
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->deployments[0].upstream_model, "llama");
  EXPECT_EQ(cfg->deployments[0].api_base, "http://x:1/v1");
  EXPECT_EQ(cfg->deployments[1].api_base, "https://api.openai.com/v1");
  EXPECT_EQ(cfg->deployments[2].kind, ProviderKind::anthropic);
  EXPECT_TRUE(cfg->deployments[3].dynamic_provider);
}
