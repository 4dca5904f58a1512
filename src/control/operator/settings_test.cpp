#include "control/operator/settings.hpp"

#include <gtest/gtest.h>

#include "control/operator/render_test_support.hpp"

namespace kaos::control::operator_ {
namespace {

TEST(OperatorSettings, DefaultsAreKaosCodeDefaults) {
  auto s = parse_operator_settings({});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->system_namespace, "kaos");
  EXPECT_EQ(s->gateway_namespace(), "kaos");
  EXPECT_FALSE(s->gateway.enabled);
  EXPECT_EQ(s->gateway.name, "kaos-gateway");
  EXPECT_EQ(s->gateway.agent_timeout, "120s");
  EXPECT_EQ(s->gateway.modelapi_timeout, "120s");
  EXPECT_EQ(s->gateway.mcp_timeout, "30s");
  EXPECT_EQ(s->log_level, "INFO");
  EXPECT_FALSE(s->default_telemetry);
  EXPECT_EQ(s->agent_image, plan::PlanOptions{}.agent_image);
}

TEST(OperatorSettings, ReadsEveryVariable) {
  auto s = parse_operator_settings({{"SYSTEM_NAMESPACE", "kaos-system"},
                                    {"DEFAULT_AGENT_IMAGE", "reg/kaos:1"},
                                    {"DEFAULT_MCP_SERVER_IMAGE", "reg/mcp:1"},
                                    {"DEFAULT_LITELLM_IMAGE", "reg/litellm:1"},
                                    {"DEFAULT_OLLAMA_IMAGE", "ollama/ollama:latest"},
                                    {"DEFAULT_LOG_LEVEL", "DEBUG"},
                                    {"DEFAULT_TELEMETRY_ENABLED", "true"},
                                    {"DEFAULT_TELEMETRY_ENDPOINT", "http://otel:4317"},
                                    {"GATEWAY_API_ENABLED", "true"},
                                    {"GATEWAY_NAME", "gw"},
                                    {"GATEWAY_DEFAULT_AGENT_TIMEOUT", "300s"},
                                    {"GATEWAY_DEFAULT_MODELAPI_TIMEOUT", "2m"},
                                    {"GATEWAY_DEFAULT_MCP_TIMEOUT", "1m30s"}});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->gateway_namespace(), "kaos-system");
  EXPECT_EQ(s->agent_image, "reg/kaos:1");
  EXPECT_EQ(s->mcp_server_image, "reg/mcp:1");
  EXPECT_EQ(s->litellm_image, "reg/litellm:1");
  EXPECT_EQ(s->log_level, "DEBUG");
  ASSERT_TRUE(s->default_telemetry);
  EXPECT_TRUE(s->default_telemetry->enabled.value_or(false));
  EXPECT_EQ(s->default_telemetry->endpoint, "http://otel:4317");
  EXPECT_TRUE(s->gateway.enabled);
  EXPECT_EQ(s->gateway.name, "gw");
  EXPECT_EQ(s->gateway.mcp_timeout, "1m30s");

  auto o = plan_options(*s);
  EXPECT_EQ(o.agent_image, "reg/kaos:1");
  EXPECT_EQ(o.ollama_image, "ollama/ollama:latest");
  EXPECT_EQ(o.log_level, "DEBUG");
  EXPECT_EQ(o.bind_host, "0.0.0.0");
  EXPECT_TRUE(o.runs_images);
  EXPECT_TRUE(o.default_telemetry);

  auto g = parse_operator_settings({{"GATEWAY_NAMESPACE", "gateways"}});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->gateway_namespace(), "gateways");
}

TEST(OperatorSettings, ErrorsNameEachVariable) {
  auto s = parse_operator_settings({{"GATEWAY_API_ENABLED", "maybe"},
                                    {"GATEWAY_DEFAULT_MCP_TIMEOUT", "30"},
                                    {"DEFAULT_LOG_LEVEL", "verbose"},
                                    {"DEFAULT_TELEMETRY_ENABLED", "sometimes"}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::invalid);
  for (const char* name :
       {"GATEWAY_API_ENABLED", "GATEWAY_DEFAULT_MCP_TIMEOUT", "DEFAULT_LOG_LEVEL", "DEFAULT_TELEMETRY_ENABLED"})
    EXPECT_NE(s.error().message.find(name), std::string::npos) << name << " in " << s.error().message;
}

TEST(ClusterAddressing, ServiceDnsAndKaosPorts) {
  auto resources = testing::parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: local, namespace: ns}
spec: {mode: Hosted, hostedConfig: {model: m}}
)");
  auto a = cluster_addressing(resources);
  EXPECT_EQ(a.endpoint({"ModelAPI", "ns", "local"}), "http://modelapi-local.ns.svc.cluster.local:11434");
  EXPECT_EQ(a.listen_port({"ModelAPI", "ns", "local"}), 11434);
  EXPECT_EQ(a.endpoint({"ModelAPI", "ns", "other"}), "http://modelapi-other.ns.svc.cluster.local:8000");
  EXPECT_EQ(a.endpoint({"Agent", "ns", "x"}), "http://agent-x.ns.svc.cluster.local:8000");
  EXPECT_EQ(a.endpoint({"MCPServer", "ns", "t"}), "http://mcpserver-t.ns.svc.cluster.local:8000");
}

}  // namespace
}  // namespace kaos::control::operator_
