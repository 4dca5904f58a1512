#include "control/operator/install.hpp"

#include <gtest/gtest.h>

#include <set>

#include "api/mcp_runtimes.hpp"

namespace kaos::control::operator_ {
namespace {

std::vector<json::value> render(const InstallOptions& options = {}) {
  auto objects = render_install(options);
  EXPECT_TRUE(objects.has_value()) << (objects ? "" : objects.error().message);
  return objects ? *objects : std::vector<json::value>{};
}

std::string kind_and_name(const json::value& v) {
  const auto& o = v.as_object();
  return std::string(o.at("kind").as_string()) + "/" + std::string(o.at("metadata").as_object().at("name").as_string());
}

const json::object& find(const std::vector<json::value>& objects, std::string_view kind_name) {
  for (const auto& v : objects)
    if (kind_and_name(v) == kind_name) return v.as_object();
  ADD_FAILURE() << "no " << kind_name;
  static const json::object none;
  return none;
}

const json::object& manager(const json::object& deployment) {
  return deployment.at("spec").at("template").at("spec").at("containers").as_array().at(0).as_object();
}

TEST(Install, RendersEveryObjectInApplyOrder) {
  std::vector<std::string> names;
  for (const auto& v : render()) names.push_back(kind_and_name(v));
  std::vector<std::string> expected = {"CustomResourceDefinition/agents.kaos.tools",
                                       "CustomResourceDefinition/mcpservers.kaos.tools",
                                       "CustomResourceDefinition/memorystores.kaos.tools",
                                       "CustomResourceDefinition/modelapis.kaos.tools",
                                       "Namespace/kaos-system",
                                       "ServiceAccount/kaos-operator",
                                       "ClusterRole/kaos-operator",
                                       "ClusterRoleBinding/kaos-operator",
                                       "Role/kaos-operator-leader-election",
                                       "RoleBinding/kaos-operator-leader-election",
                                       "ConfigMap/kaos-operator-config",
                                       "ConfigMap/kaos-mcp-runtimes",
                                       "Deployment/kaos-operator"};
  EXPECT_EQ(names, expected);
}

TEST(Install, NamespacedObjectsLiveInTheChosenNamespace) {
  InstallOptions options;
  options.namespace_ = "ops";
  std::set<std::string> cluster_scoped = {"CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterRoleBinding"};
  for (const auto& v : render(options)) {
    const auto& o = v.as_object();
    const auto& meta = o.at("metadata").as_object();
    if (cluster_scoped.count(std::string(o.at("kind").as_string()))) {
      EXPECT_FALSE(meta.contains("namespace")) << kind_and_name(v);
    } else {
      EXPECT_EQ(meta.at("namespace"), "ops") << kind_and_name(v);
    }
  }
  auto objects = render(options);
  EXPECT_EQ(find(objects, "ClusterRoleBinding/kaos-operator").at("subjects").at(0).at("namespace"), "ops");
  EXPECT_EQ(find(objects, "RoleBinding/kaos-operator-leader-election").at("subjects").at(0).at("namespace"), "ops");
  EXPECT_EQ(find(objects, "ConfigMap/kaos-operator-config").at("data").at("SYSTEM_NAMESPACE"), "ops");
}

TEST(Install, TheDeploymentRunsTheOperatorHardened) {
  auto objects = render();
  const auto& deployment = find(objects, "Deployment/kaos-operator");
  const auto& c = manager(deployment);
  EXPECT_EQ(c.at("image"), json::value(plan::kDefaultKaosImage));
  EXPECT_EQ(c.at("command"), (json::array{"kaos", "operator"}));
  EXPECT_EQ(c.at("args").at(0), "--leader-elect");
  EXPECT_EQ(c.at("envFrom").at(0).at("configMapRef").at("name"), "kaos-operator-config");
  EXPECT_EQ(c.at("livenessProbe").at("httpGet").at("path"), "/healthz");
  EXPECT_EQ(c.at("readinessProbe").at("httpGet").at("path"), "/readyz");
  EXPECT_EQ(c.at("readinessProbe").at("httpGet").at("port"), 8081);
  EXPECT_EQ(c.at("securityContext").at("readOnlyRootFilesystem"), true);
  EXPECT_EQ(c.at("securityContext").at("allowPrivilegeEscalation"), false);
  EXPECT_EQ(c.at("securityContext").at("capabilities").at("drop"), (json::array{"ALL"}));
  EXPECT_EQ(c.at("resources").at("requests").at("memory"), "64Mi");
  EXPECT_EQ(c.at("resources").at("limits").at("cpu"), "500m");
  const auto& pod = deployment.at("spec").at("template").at("spec").as_object();
  EXPECT_EQ(pod.at("serviceAccountName"), "kaos-operator");
  EXPECT_EQ(pod.at("securityContext").at("runAsUser"), 65532);
  EXPECT_EQ(pod.at("securityContext").at("runAsNonRoot"), true);
  EXPECT_EQ(pod.at("securityContext").at("seccompProfile").at("type"), "RuntimeDefault");
  // The selector picks the pod template's labels (the API server refuses it otherwise).
  for (const auto& [k, v] : deployment.at("spec").at("selector").at("matchLabels").as_object())
    EXPECT_EQ(deployment.at("spec").at("template").at("metadata").at("labels").at(k), v) << k;
}

TEST(Install, OneImageForTheOperatorAndEveryRoleItDeploys) {
  InstallOptions options;
  options.image = "registry.example/kaos:1.2";
  auto objects = render(options);
  EXPECT_EQ(manager(find(objects, "Deployment/kaos-operator")).at("image"), "registry.example/kaos:1.2");
  const auto& data = find(objects, "ConfigMap/kaos-operator-config").at("data").as_object();
  for (auto key :
       {"DEFAULT_AGENT_IMAGE", "DEFAULT_MCP_SERVER_IMAGE", "DEFAULT_LITELLM_IMAGE", "DEFAULT_MEMORY_SERVICE_IMAGE"})
    EXPECT_EQ(data.at(key), "registry.example/kaos:1.2") << key;
  EXPECT_EQ(data.at("DEFAULT_OLLAMA_IMAGE"), json::value(plan::kDefaultOllamaImage));
  auto registry = api::parse_mcp_runtimes_configmap(find(objects, "ConfigMap/kaos-mcp-runtimes"));
  ASSERT_TRUE(registry.has_value()) << registry.error().message;
  EXPECT_EQ(registry->find("python-string")->image, "registry.example/kaos:1.2");
  EXPECT_EQ(registry->find("python-string")->params_env_var, "MCP_TOOLS_STRING");
  EXPECT_EQ(registry->find("kubernetes")->image, api::McpRuntimeImages{}.kubernetes);
  EXPECT_EQ(registry->runtimes.size(), api::builtin_mcp_runtimes().runtimes.size());
}

TEST(Install, OperatorConfigFollowsKaosChart) {
  auto data = operator_config_data({});
  EXPECT_EQ(data.at("GATEWAY_API_ENABLED"), "false");
  EXPECT_FALSE(data.contains("GATEWAY_NAME"));
  EXPECT_EQ(data.at("GATEWAY_DEFAULT_AGENT_TIMEOUT"), "300s");
  EXPECT_EQ(data.at("GATEWAY_DEFAULT_MODELAPI_TIMEOUT"), "120s");
  EXPECT_EQ(data.at("GATEWAY_DEFAULT_MCP_TIMEOUT"), "60s");
  EXPECT_EQ(data.at("DEFAULT_TELEMETRY_ENABLED"), "false");
  EXPECT_FALSE(data.contains("DEFAULT_TELEMETRY_ENDPOINT"));
  EXPECT_EQ(data.at("DEFAULT_LOG_LEVEL"), "INFO");

  InstallOptions options;
  options.gateway.enabled = true;
  options.telemetry_enabled = true;
  options.telemetry_endpoint = "http://otel:4317";
  data = operator_config_data(options);
  EXPECT_EQ(data.at("GATEWAY_API_ENABLED"), "true");
  EXPECT_EQ(data.at("GATEWAY_NAME"), "kaos-gateway");
  EXPECT_EQ(data.at("GATEWAY_NAMESPACE"), "kaos-system");
  EXPECT_EQ(data.at("DEFAULT_TELEMETRY_ENDPOINT"), "http://otel:4317");
  for (const auto& [k, v] : data) EXPECT_TRUE(v.is_string()) << k;  // ConfigMap data are strings
}

TEST(Install, GatewayRulesAndGatewayOnlyWhenAsked) {
  auto has_httproutes = [](const std::vector<json::value>& objects) {
    for (const auto& rule : find(objects, "ClusterRole/kaos-operator").at("rules").as_array())
      if (rule.at("apiGroups").at(0) == "gateway.networking.k8s.io") return true;
    return false;
  };
  EXPECT_FALSE(has_httproutes(render()));
  InstallOptions options;
  options.gateway.enabled = true;
  EXPECT_TRUE(has_httproutes(render(options)));
  EXPECT_EQ(render(options).size(), 13u);
  options.gateway.gateway_class_name = "eg";
  auto objects = render(options);
  const auto& gw = find(objects, "Gateway/kaos-gateway");
  EXPECT_EQ(gw.at("metadata").at("namespace"), "kaos-system");
  EXPECT_EQ(gw.at("spec").at("gatewayClassName"), "eg");
  EXPECT_EQ(gw.at("spec").at("listeners").at(0).at("port"), 80);
}

TEST(Install, RefusesOptionsThatCannotInstall) {
  auto refused = [](InstallOptions o) {
    auto r = render_install(o);
    return !r.has_value() && r.error().kind == ErrorKind::invalid;
  };
  InstallOptions o;
  o.namespace_ = "Kaos_System";
  EXPECT_TRUE(refused(o));
  o = {};
  o.image = "";
  EXPECT_TRUE(refused(o));
  o = {};
  o.log_level = "verbose";
  EXPECT_TRUE(refused(o));
  o = {};
  o.telemetry_enabled = true;
  EXPECT_TRUE(refused(o));
  o = {};
  o.gateway.gateway_class_name = "eg";  // a Gateway without the integration
  EXPECT_TRUE(refused(o));
}

}  // namespace
}  // namespace kaos::control::operator_
