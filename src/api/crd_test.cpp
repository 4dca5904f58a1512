#include "api/crd.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/yaml.hpp"

namespace kaos::api {
namespace {

const json::object& version_of(const json::value& crd) {
  return crd.at("spec").at("versions").as_array().at(0).as_object();
}

const json::object& spec_schema_of(const json::value& crd) {
  return version_of(crd).at("schema").at("openAPIV3Schema").at("properties").at("spec").as_object();
}

std::vector<std::string> column_names(const json::value& crd) {
  std::vector<std::string> out;
  for (const auto& c : version_of(crd).at("additionalPrinterColumns").as_array()) {
    out.emplace_back(c.at("name").as_string());
  }
  return out;
}

std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
  return out;
}

TEST(Crd, NamesScopeAndSubresource) {
  for (const auto& kind : kaos_kinds()) {
    auto crd = generate_crd(kind);
    EXPECT_EQ(crd.at("apiVersion"), "apiextensions.k8s.io/v1");
    EXPECT_EQ(crd.at("metadata").at("name").as_string(), kind.plural + ".kaos.tools");
    const auto& spec = crd.at("spec");
    EXPECT_EQ(spec.at("group"), "kaos.tools");
    EXPECT_EQ(spec.at("scope"), "Namespaced");
    EXPECT_EQ(spec.at("names").at("kind").as_string(), kind.kind);
    EXPECT_EQ(spec.at("names").at("listKind").as_string(), kind.kind + "List");
    const auto& v = version_of(crd);
    EXPECT_EQ(v.at("name"), "v1alpha1");
    EXPECT_TRUE(v.at("served").as_bool());
    EXPECT_TRUE(v.at("storage").as_bool());
    EXPECT_TRUE(v.at("subresources").at("status").as_object().empty());
    EXPECT_EQ(strings(v.at("schema").at("openAPIV3Schema").at("required")), std::vector<std::string>{"spec"});
  }
}

TEST(Crd, ShortNamesAndPrinterColumns) {
  auto agent = generate_crd(*find_kaos_kind("Agent"));
  EXPECT_EQ(strings(agent.at("spec").at("names").at("shortNames")), (std::vector<std::string>{"agent", "agents"}));
  EXPECT_EQ(column_names(agent), (std::vector<std::string>{"ModelAPI", "Model", "Ready", "Phase", "Age"}));
  EXPECT_EQ(version_of(agent).at("additionalPrinterColumns").as_array()[0].at("jsonPath"), ".spec.modelAPI");
  EXPECT_EQ(version_of(agent).at("additionalPrinterColumns").as_array()[4].at("type"), "date");
  auto modelapi = generate_crd(*find_kaos_kind("ModelAPI"));
  EXPECT_EQ(strings(modelapi.at("spec").at("names").at("shortNames")), (std::vector<std::string>{"api", "apis"}));
  EXPECT_EQ(column_names(modelapi), (std::vector<std::string>{"Mode", "Ready", "Phase", "Age"}));
  auto mcp = generate_crd(*find_kaos_kind("MCPServer"));
  EXPECT_EQ(strings(mcp.at("spec").at("names").at("shortNames")), (std::vector<std::string>{"mcp", "mcps"}));
  EXPECT_EQ(column_names(mcp), (std::vector<std::string>{"Runtime", "Ready", "Phase", "Age"}));
  auto store = generate_crd(*find_kaos_kind("MemoryStore"));
  EXPECT_EQ(strings(store.at("spec").at("names").at("shortNames")),
            (std::vector<std::string>{"memstore", "memstores"}));
  EXPECT_EQ(column_names(store), (std::vector<std::string>{"Engine", "Storage", "Ready", "Phase", "Age"}));
  EXPECT_EQ(version_of(store).at("additionalPrinterColumns").as_array()[1].at("jsonPath"), ".spec.storage.type");
}

TEST(Crd, SchemaDetails) {
  const json::value agent_crd = generate_crd(*find_kaos_kind("Agent"));
  const json::value modelapi_crd = generate_crd(*find_kaos_kind("ModelAPI"));
  const json::value mcp_crd = generate_crd(*find_kaos_kind("MCPServer"));
  const json::value store_crd = generate_crd(*find_kaos_kind("MemoryStore"));
  const auto& agent = spec_schema_of(agent_crd);
  EXPECT_EQ(strings(agent.at("required")), (std::vector<std::string>{"modelAPI", "model"}));
  const auto& config = agent.at("properties").at("config").at("properties");
  const auto& steps = config.at("reasoningLoopMaxSteps");
  EXPECT_EQ(steps.at("type"), "integer");
  EXPECT_EQ(steps.at("format"), "int32");
  EXPECT_EQ(steps.at("minimum"), 1);
  EXPECT_EQ(steps.at("maximum"), 20);
  EXPECT_EQ(steps.at("default"), 5);
  EXPECT_EQ(strings(config.at("toolCallMode").at("enum")), (std::vector<std::string>{"auto", "native", "string"}));
  const auto& memory_rules = config.at("memory").at("x-kubernetes-validations").as_array();
  ASSERT_EQ(memory_rules.size(), 4u);
  EXPECT_EQ(memory_rules[0].at("message"), "type 'remote' requires memoryStore to be set");
  EXPECT_EQ(memory_rules[3].at("rule"),
            "!has(self.maxReadScope) || self.maxReadScope == 'session' || has(self.memoryStore)");
  EXPECT_EQ(strings(config.at("memory").at("properties").at("maxReadScope").at("enum")),
            (std::vector<std::string>{"session", "agent", "user"}));
  EXPECT_FALSE(config.at("memory").at("properties").as_object().contains("defaultReadScope"));
  EXPECT_TRUE(agent.at("properties").at("podSpec").at("x-kubernetes-preserve-unknown-fields").as_bool());
  const auto& container = agent.at("properties").at("container").at("properties");
  EXPECT_TRUE(container.at("resources").at("x-kubernetes-preserve-unknown-fields").as_bool());
  EXPECT_EQ(strings(container.at("env").at("items").at("required")), std::vector<std::string>{"name"});
  EXPECT_TRUE(container.at("securityContext").at("x-kubernetes-preserve-unknown-fields").as_bool());
  EXPECT_EQ(strings(container.at("volumeMounts").at("items").at("required")),
            (std::vector<std::string>{"name", "mountPath"}));
  EXPECT_EQ(agent.at("properties").at("gatewayRoute").at("properties").at("timeout").at("pattern"),
            "^([0-9]+(h|m|s|ms)){1,4}$");
  const auto& workspace = agent.at("properties").at("harness").at("properties").at("workspace");
  EXPECT_EQ(strings(workspace.at("required")), std::vector<std::string>{"repoURL"});
  EXPECT_FALSE(workspace.at("properties").at("branch").as_object().contains("default"));

  const auto& modelapi = spec_schema_of(modelapi_crd);
  EXPECT_EQ(strings(modelapi.at("required")), std::vector<std::string>{"mode"});
  EXPECT_EQ(strings(modelapi.at("properties").at("mode").at("enum")), (std::vector<std::string>{"Proxy", "Hosted"}));
  EXPECT_EQ(modelapi.at("properties").at("proxyConfig").at("properties").at("models").at("minItems"), 1);
  EXPECT_EQ(modelapi.at("x-kubernetes-validations").as_array()[0].at("rule"),
            "self.mode != 'Proxy' || has(self.proxyConfig)");
  EXPECT_EQ(modelapi.at("properties")
                .at("proxyConfig")
                .at("properties")
                .at("apiKey")
                .at("x-kubernetes-validations")
                .as_array()[0]
                .at("rule"),
            "has(self.value) != has(self.valueFrom)");

  const auto& mcp = spec_schema_of(mcp_crd);
  EXPECT_EQ(mcp.at("x-kubernetes-validations").as_array()[0].at("message"),
            "container.image is required when runtime is 'custom'");

  const auto& store = spec_schema_of(store_crd);
  EXPECT_EQ(strings(store.at("required")), (std::vector<std::string>{"storage", "models"}));
  const auto& store_rules = store.at("x-kubernetes-validations").as_array();
  ASSERT_EQ(store_rules.size(), 2u);
  EXPECT_EQ(store_rules[0].at("message"), "replicas must be 1 in local storage mode");
  EXPECT_FALSE(store_rules[1].as_object().contains("fieldPath"));  // spec level, as KAOS's
  EXPECT_EQ(strings(store.at("properties").at("maxReadScope").at("enum")),
            (std::vector<std::string>{"session", "agent", "user"}));
  EXPECT_EQ(store.at("properties").at("longTerm").at("properties").at("scoreThreshold").at("maximum"), 1);
  const auto& divisor = agent.at("properties")
                            .at("container")
                            .at("properties")
                            .at("env")
                            .at("items")
                            .at("properties")
                            .at("valueFrom")
                            .at("properties")
                            .at("resourceFieldRef")
                            .at("properties")
                            .at("divisor");
  EXPECT_TRUE(divisor.at("x-kubernetes-int-or-string").as_bool());
}

TEST(Crd, YamlStreamParsesBackToTheSameObjects) {
  auto docs = parse_yaml_documents(render_all_crds_yaml());
  ASSERT_TRUE(docs.has_value()) << docs.error().message;
  ASSERT_EQ(docs->size(), kaos_kinds().size());
  for (std::size_t i = 0; i < docs->size(); ++i) {
    EXPECT_EQ(kaos::to_json((*docs)[i].value), kaos::to_json(generate_crd(kaos_kinds()[i])));
  }
}

TEST(Crd, DeployCrdsAreUpToDate) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(KAOS_SOURCE_DIR) / "deploy" / "crds";
  for (const auto& kind : kaos_kinds()) {
    std::ifstream in(dir / crd_file_name(kind), std::ios::binary);
    ASSERT_TRUE(in) << "missing " << (dir / crd_file_name(kind)) << "; run: kaos crds --output-dir deploy/crds";
    std::string committed((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(committed, render_crd_yaml(kind))
        << crd_file_name(kind) << " is stale; regenerate with: kaos crds --output-dir deploy/crds";
  }
}

}  // namespace
}  // namespace kaos::api
