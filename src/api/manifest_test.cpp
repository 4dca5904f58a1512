#include "api/manifest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/test_support.hpp"

namespace kaos::api {
namespace {

using testing::errors;
using testing::findings;
using testing::load_yaml;

TEST(Manifest, MultiDocumentWithLinesAndPassThrough) {
  auto set = load_yaml(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n---\n"
      "apiVersion: v1\nkind: Secret\nmetadata: {name: key, namespace: demo}\nstringData: {k: v}\n---\n"
      "apiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata: {name: a}\nspec: {modelAPI: llm}\n");
  ASSERT_EQ(set.entries.size(), 3u);
  EXPECT_EQ(set.entries[0].label(), "Namespace/demo");
  EXPECT_FALSE(set.entries[0].kaos_kind);
  ASSERT_TRUE(set.entries[1].resource.has_value());
  const auto& secret = std::get<GenericObject>(*set.entries[1].resource);
  EXPECT_EQ(secret.metadata.namespace_, "demo");
  EXPECT_EQ(
      kaos::to_json(to_json(*set.entries[1].resource)),
      R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"key","namespace":"demo"},"stringData":{"k":"v"}})");
  EXPECT_EQ(set.entries[2].line, 10);
  EXPECT_EQ(findings(set), std::vector<std::string>{"test.yaml:10: Agent/a: spec.model: required"});
}

TEST(Manifest, JsonObjectAndList) {
  auto set = load_manifests({{"x.json", R"({"apiVersion":"v1","kind":"List","items":[
      {"apiVersion":"kaos.tools/v1alpha1","kind":"MCPServer","metadata":{"name":"t"},"spec":{"runtime":"slack"}},
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}]})"}});
  ASSERT_EQ(set.entries.size(), 2u);
  EXPECT_FALSE(set.has_errors());
  EXPECT_EQ(set.entries[0].label(), "MCPServer/t");
  EXPECT_TRUE(set.entries[0].kaos_kind);
  EXPECT_EQ(set.entries[1].label(), "ConfigMap/c");

  set = load_yaml("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n");
  ASSERT_EQ(set.entries.size(), 1u);
  EXPECT_EQ(set.entries[0].label(), "ConfigMap/x");
}

TEST(Manifest, NamespaceDefaults) {
  auto set = load_yaml(testing::agent_yaml(""));
  EXPECT_EQ(set.entries[0].namespace_, "default");
  EXPECT_EQ(std::get<Agent>(*set.entries[0].resource).metadata.namespace_, "default");
  LoadOptions o;
  o.default_namespace = "team";
  set = load_manifests({{"a.yaml", testing::agent_yaml("")}}, o);
  EXPECT_EQ(std::get<Agent>(*set.entries[0].resource).metadata.namespace_, "team");
}

TEST(Manifest, DocumentErrors) {
  EXPECT_EQ(errors(load_yaml("- a\n- b\n")),
            std::vector<std::string>{"<document>: expected an object (a Kubernetes resource), got array"});
  EXPECT_EQ(errors(load_yaml("metadata: {name: x}\n")),
            (std::vector<std::string>{"<document>: apiVersion: required", "<document>: kind: required"}));
  EXPECT_EQ(errors(load_yaml("apiVersion: kaos.tools/v1alpha1\nkind: Gadget\nmetadata: {name: x}\n")),
            std::vector<std::string>{"Gadget/x: kind: unknown kind \"Gadget\" in kaos.tools/v1alpha1 (known: Agent, "
                                     "MCPServer, MemoryStore, ModelAPI)"});
  EXPECT_EQ(errors(load_yaml("apiVersion: kaos.tools/v1beta1\nkind: Agent\nmetadata: {name: x}\n")),
            std::vector<std::string>{"Agent/x: apiVersion: unsupported version \"kaos.tools/v1beta1\" (supported: "
                                     "kaos.tools/v1alpha1)"});
  EXPECT_EQ(errors(load_yaml("apiVersion: ethical.institute/v1alpha1\nkind: Agent\nmetadata: {name: x}\n")),
            std::vector<std::string>{
                "Agent/x: apiVersion: the ethical.institute group was renamed: use kaos.tools/v1alpha1"});
  auto set = load_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n");
  ASSERT_EQ(set.entries.size(), 1u);
  EXPECT_NE(findings(set)[0].find("test.yaml: <document>: invalid YAML: line"), std::string::npos) << findings(set)[0];
  set = load_yaml("apiVersion: kaos.tools/v1alpha1\nkind: AccessGrant\nmetadata: {name: g}\nspec: {}\n");
  EXPECT_FALSE(set.has_errors());
  EXPECT_EQ(findings(set), std::vector<std::string>{"test.yaml:1: AccessGrant/g: note: KAOS kind not validated by this "
                                                    "version, passed through"});
}

TEST(Manifest, TopLevelAndMetadataRules) {
  auto msgs =
      errors(load_yaml("apiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata:\n  namespace: Bad\n"
                       "  labels: {app: \"-x\"}\nspec: {modelAPI: m, model: x}\nextra: 1\n"));
  std::vector<std::string> expected{
      "Agent/<unnamed>: extra: unknown field", "Agent/<unnamed>: metadata.name: required",
      "Agent/<unnamed>: metadata.namespace: a lowercase RFC 1123 label must consist of lower case alphanumeric "
      "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc'), got "
      "\"Bad\"",
      "Agent/<unnamed>: metadata.labels.app: a valid label value must be an empty string or consist of alphanumeric "
      "characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters"};
  EXPECT_EQ(msgs, expected);
  EXPECT_TRUE(errors(load_yaml(testing::agent_yaml("", "a.b-c"))).empty());  // subdomains allow dots
  EXPECT_EQ(errors(load_yaml(testing::agent_yaml("", std::string(254, 'a')))),
            std::vector<std::string>{"Agent/" + std::string(254, 'a') +
                                     ": metadata.name: must be no more than 253 "
                                     "characters, got 254"});
}

TEST(Manifest, Duplicates) {
  auto set = load_manifests({{"a.yaml", testing::agent_yaml("")}, {"b.yaml", testing::agent_yaml("")}});
  EXPECT_FALSE(set.has_errors());
  EXPECT_THAT(findings(set),
              ::testing::Contains("b.yaml:1: Agent/a: warning: metadata.name: duplicate: Agent \"a\" in namespace "
                                  "\"default\" is also defined at a.yaml:1; this later definition wins when applied"));
}

TEST(Manifest, ReferenceNotes) {
  auto set =
      load_yaml(testing::agent_yaml("  mcpServers: [t]\n  agentNetwork: {access: [peer]}\n"
                                    "  config: {memory: {memoryStore: mem}}\n"));
  EXPECT_FALSE(set.has_errors());
  std::vector<std::string> expected{
      "test.yaml:1: Agent/a: note: spec.modelAPI: ModelAPI \"llm\" is not in these manifests; it must exist in "
      "namespace \"default\" when applied",
      "test.yaml:1: Agent/a: note: spec.mcpServers[0]: MCPServer \"t\" is not in these manifests; it must exist in "
      "namespace \"default\" when applied",
      "test.yaml:1: Agent/a: note: spec.agentNetwork.access[0]: Agent \"peer\" is not in these manifests; it must "
      "exist in namespace \"default\" when applied",
      "test.yaml:1: Agent/a: note: spec.config.memory.memoryStore: MemoryStore \"mem\" is not in these manifests; it "
      "must exist in namespace \"default\" when applied"};
  EXPECT_EQ(findings(set), expected);
}

// fuzz/manifest: a ModelAPI document in another apiVersion is passed through as a generic
// object, and the Agent naming it aborted `kaos validate` (std::get on the wrong alternative).
TEST(Manifest, AModelApiOfAnotherApiVersionIsNotCheckedAgainstTheAgent) {
  auto set =
      load_yaml("apiVersion: other.example/v1\nkind: ModelAPI\nmetadata: {name: llm}\nspec: {mode: Hosted}\n---\n" +
                testing::agent_yaml(""));
  EXPECT_FALSE(set.has_errors());
  for (const auto& f : findings(set)) EXPECT_EQ(f.find("spec.model:"), std::string::npos) << f;
}

TEST(Manifest, CollectsAllErrorsOfADocument) {
  auto msgs =
      errors(load_yaml(testing::agent_yaml("  config:\n    reasoningLoopMaxSteps: 50\n    toolCallMode: x\n    bogus: "
                                           "true\n  waitForDependencies: \"yes\"\n")));
  EXPECT_EQ(msgs.size(), 4u);
}

TEST(Manifest, NullFieldsReadAsAbsent) {
  auto set = load_yaml(testing::agent_yaml("  mcpServers:\n  config:\n"));
  EXPECT_FALSE(set.has_errors());
}

}  // namespace
}  // namespace kaos::api

namespace kaos::api {
namespace {

TEST(Manifest, StatusIsCheckedButOnlyWarns) {
  auto set = testing::load_yaml(testing::agent_yaml("") +
                                "status:\n  phase: Ready\n  ready: true\n  observedGeneration: 3\n  color: blue\n");
  EXPECT_FALSE(set.has_errors());
  EXPECT_THAT(testing::findings(set),
              ::testing::Contains("test.yaml:1: Agent/a: warning: status.color: unknown field (status is ignored when "
                                  "applied)"));
  ASSERT_TRUE(set.entries[0].resource.has_value());
  EXPECT_TRUE(std::get<Agent>(*set.entries[0].resource).status->contains("phase"));
}

TEST(Manifest, HugeIntegers) {
  auto msgs = testing::errors(
      testing::load_yaml(testing::agent_yaml("  config: {reasoningLoopMaxSteps: 18446744073709551615}\n")));
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].rfind("Agent/a: spec.config.reasoningLoopMaxSteps: integer out of range, got ", 0), 0u) << msgs[0];
  auto set = load_manifests(
      {{"a.json", R"({"apiVersion":"kaos.tools/v1alpha1","kind":"Agent","metadata":{"name":"a"},)"
                  R"("spec":{"modelAPI":"m","model":"x","config":{"reasoningLoopMaxSteps":18446744073709551615}}})"}});
  EXPECT_EQ(testing::errors(set), std::vector<std::string>{"Agent/a: spec.config.reasoningLoopMaxSteps: integer out of "
                                                           "range, got 18446744073709551615"});
}

}  // namespace
}  // namespace kaos::api
