#include "api/modelapi.hpp"

#include <gtest/gtest.h>

#include "api/model_match.hpp"
#include "api/test_support.hpp"

namespace kaos::api {
namespace {

using testing::errors;
using testing::load_yaml;

std::string modelapi_yaml(const std::string& spec, const std::string& name = "llm") {
  return "apiVersion: kaos.tools/v1alpha1\nkind: ModelAPI\nmetadata:\n  name: " + name + "\nspec:\n" + spec;
}

TEST(ModelMatch, Patterns) {
  std::vector<std::string> p{"gpt-4o", "openai/*"};
  EXPECT_TRUE(model_matches("gpt-4o", p));
  EXPECT_TRUE(model_matches("openai/gpt-4", p));
  EXPECT_FALSE(model_matches("openai", p));
  EXPECT_FALSE(model_matches("anthropic/claude", p));
  EXPECT_FALSE(model_matches("gpt-4o-mini", p));
  EXPECT_TRUE(model_matches("anything", {"*"}));
  EXPECT_FALSE(model_matches("x", {}));
}

TEST(ModelMatch, KaosMessages) {
  ModelAPISpec spec;
  spec.proxy_config = ProxyConfig{};
  spec.proxy_config->models = {"gpt-4o", "openai/*"};
  EXPECT_EQ(check_agent_model("claude", "llm", spec),
            "model \"claude\" not supported by ModelAPI \"llm\" (supported: [gpt-4o openai/*])");
  EXPECT_FALSE(check_agent_model("openai/o1", "llm", spec).has_value());
  spec.mode = ModelAPIMode::Hosted;
  spec.hosted_config = HostedConfig{"smollm2:135m", {}};
  EXPECT_FALSE(check_agent_model("smollm2:135m", "llm", spec).has_value());
  EXPECT_EQ(check_agent_model("gpt-4o", "llm", spec),
            "model \"gpt-4o\" not supported by ModelAPI \"llm\" (supported: [smollm2:135m])");
  EXPECT_EQ(go_quote("a\"b\\"), "\"a\\\"b\\\\\"");
}

TEST(ModelAPI, ParsesProxyAndHosted) {
  auto set = load_yaml(modelapi_yaml(R"(  mode: Proxy
  proxyConfig:
    models: ["*"]
    provider: openai
    apiBase: http://x
    apiKey: {valueFrom: {configMapKeyRef: {name: c, key: k}}}
    configYaml: {fromSecretKeyRef: {name: s, key: config.yaml}}
  gatewayRoute: {timeout: 5m}
  telemetry: {enabled: false}
  container: {image: gw}
  podSpec: {}
)"));
  ASSERT_FALSE(set.has_errors()) << testing::findings(set)[0];
  const auto& m = std::get<ModelAPI>(*set.entries[0].resource);
  EXPECT_EQ(m.spec.mode, ModelAPIMode::Proxy);
  EXPECT_EQ(m.spec.proxy_config->provider, "openai");
  EXPECT_EQ(m.spec.proxy_config->api_key->value_from->config_map_key_ref->name, "c");
  EXPECT_EQ(m.spec.proxy_config->config_yaml->from_secret_key_ref->key, "config.yaml");
  EXPECT_EQ(m.spec.telemetry->enabled, false);

  set = load_yaml(modelapi_yaml("  mode: Hosted\n  hostedConfig: {model: smollm2:135m}\n"));
  ASSERT_FALSE(set.has_errors());
  EXPECT_EQ(std::get<ModelAPI>(*set.entries[0].resource).spec.hosted_config->model, "smollm2:135m");
}

TEST(ModelAPI, ModeRules) {
  EXPECT_EQ(errors(load_yaml(modelapi_yaml("  mode: Proxy\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec: proxyConfig is required when mode is 'Proxy'"});
  EXPECT_EQ(errors(load_yaml(modelapi_yaml("  mode: Hosted\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec: hostedConfig is required when mode is 'Hosted'"});
  EXPECT_EQ(errors(load_yaml(modelapi_yaml("  mode: Remote\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec.mode: must be one of \"Proxy\", \"Hosted\", got \"Remote\""});
  EXPECT_EQ(errors(load_yaml(modelapi_yaml("  proxyConfig: {models: [x]}\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec.mode: required"});
  EXPECT_EQ(errors(load_yaml(modelapi_yaml("  mode: Proxy\n  proxyConfig: {models: []}\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec.proxyConfig.models: must have at least 1 item, got 0"});
  EXPECT_EQ(errors(load_yaml(modelapi_yaml("  mode: Proxy\n  proxyConfig: {}\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec.proxyConfig.models: required"});
  EXPECT_EQ(errors(load_yaml(modelapi_yaml("  mode: Hosted\n  hostedConfig: {}\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec.hostedConfig.model: required"});
}

TEST(ModelAPI, ExclusiveSources) {
  const std::string base = "  mode: Proxy\n  proxyConfig:\n    models: [x]\n";
  EXPECT_EQ(
      errors(load_yaml(modelapi_yaml(base + "    apiKey: {}\n"))),
      std::vector<std::string>{"ModelAPI/llm: spec.proxyConfig.apiKey: exactly one of value or valueFrom must be set"});
  EXPECT_EQ(
      errors(load_yaml(modelapi_yaml(base + "    apiKey: {value: k, valueFrom: {secretKeyRef: {name: s, key: k}}}\n"))),
      std::vector<std::string>{"ModelAPI/llm: spec.proxyConfig.apiKey: exactly one of value or valueFrom must be set"});
  EXPECT_EQ(
      errors(load_yaml(modelapi_yaml(
          base + "    apiKey: {valueFrom: {secretKeyRef: {name: s, key: k}, configMapKeyRef: {name: c, key: k}}}\n"))),
      std::vector<std::string>{"ModelAPI/llm: spec.proxyConfig.apiKey.valueFrom: exactly one of secretKeyRef or "
                               "configMapKeyRef must be set"});
  EXPECT_EQ(errors(load_yaml(modelapi_yaml(base + "    configYaml: {}\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec.proxyConfig.configYaml: exactly one of fromString or "
                                     "fromSecretKeyRef must be set"});
}

TEST(ModelAPI, ConfigYamlModelNames) {
  const std::string base =
      "  mode: Proxy\n  proxyConfig:\n    models: [gpt-4o, \"openai/*\"]\n    configYaml:\n      fromString: |\n";
  EXPECT_TRUE(
      errors(load_yaml(modelapi_yaml(
                 base + "        model_list:\n          - model_name: gpt-4o\n          - model_name: openai/o1\n")))
          .empty());
  EXPECT_EQ(errors(load_yaml(modelapi_yaml(
                base + "        model_list:\n          - model_name: gpt-4o\n          - model_name: claude\n"))),
            std::vector<std::string>{"ModelAPI/llm: spec.proxyConfig.configYaml.fromString: model_name \"claude\" in "
                                     "configYaml not found in models list [gpt-4o openai/*]"});
  auto msgs = errors(load_yaml(modelapi_yaml(base + "        model_list: [unclosed\n")));
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_NE(msgs[0].find("spec.proxyConfig.configYaml.fromString: failed to parse configYaml: "), std::string::npos);
}

TEST(ModelAPI, AgentModelCheckedAgainstModelAPIInSet) {
  const std::string modelapi = modelapi_yaml("  mode: Proxy\n  proxyConfig: {models: [gpt-4o, \"openai/*\"]}\n");
  auto set = load_yaml(modelapi + "---\n" + testing::agent_yaml("", "ok-agent") + "---\n" +
                       "apiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata: {name: bad}\nspec: {modelAPI: llm, "
                       "model: claude}\n---\napiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata: {name: other-ns, "
                       "namespace: x}\nspec: {modelAPI: llm, model: claude}\n");
  EXPECT_EQ(errors(set), std::vector<std::string>{"Agent/bad: spec.model: model \"claude\" not supported by ModelAPI "
                                                  "\"llm\" (supported: [gpt-4o openai/*])"});
  // The agent in namespace x refers to a ModelAPI that is not in the set: a note, not an error.
  auto f = testing::findings(set);
  EXPECT_EQ(f.back(),
            "test.yaml:22: Agent/other-ns: note: spec.modelAPI: ModelAPI \"llm\" is not in these manifests; "
            "it must exist in namespace \"x\" when applied");
}

TEST(ModelAPI, Warnings) {
  auto set = load_yaml(modelapi_yaml(
      "  mode: Hosted\n  hostedConfig: {model: m, env: [{name: A, value: b}]}\n  proxyConfig: {models: [x]}\n"
      "  telemetry: {enabled: true, endpoint: x}\n"));
  auto f = testing::findings(set);
  std::vector<std::string> expected{
      "test.yaml:1: ModelAPI/llm: warning: spec.hostedConfig.env: deprecated: use spec.container.env",
      "test.yaml:1: ModelAPI/llm: warning: spec.proxyConfig: ignored in Hosted mode",
      "test.yaml:1: ModelAPI/llm: warning: spec.telemetry: telemetry is not supported in Hosted mode"};
  EXPECT_EQ(f, expected);
}

}  // namespace
}  // namespace kaos::api
