// spec.container and spec.podSpec on the rendered pod (KAOS's order), the pod-spec hash, and
// the HTTPRoute.
#include <gmock/gmock.h>

#include "control/operator/names.hpp"
#include "control/operator/render.hpp"
#include "control/operator/render_test_support.hpp"

namespace kaos::control::operator_ {
namespace {

using testing::at;
using ::testing::Contains;
using testing::env_lines;
using testing::find;
using testing::has;
using ::testing::Not;
using testing::parse;
using testing::text;

constexpr const char* kModel = R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"]}}
---
)";

std::string agent(const std::string& spec_extra) {
  return std::string(kModel) + R"(apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec:
  modelAPI: llm
  model: m
)" + spec_extra;
}

json::object deployment(const std::string& yaml, OperatorSettings settings = {}) {
  return find(render_resources(parse(yaml), settings).objects(), "Deployment", "agent-a");
}

TEST(RenderOverride, ContainerOverridePatchesTheAgentContainer) {
  auto d = deployment(agent(R"(  container:
    image: me/agent:2
    resources: {limits: {cpu: "1"}}
    env: [{name: LOG_LEVEL, value: DEBUG}, {name: EXTRA, valueFrom: {secretKeyRef: {name: s, key: k}}}]
    securityContext: {runAsNonRoot: true}
    workingDir: /work
    volumeMounts: [{name: cache, mountPath: /cache}]
  podSpec:
    volumes: [{name: cache, emptyDir: {}}]
)"));
  const auto& c = at(d, "spec/template/spec/containers/0");
  EXPECT_EQ(at(c, "image"), "me/agent:2");
  EXPECT_EQ(text(at(c, "resources")), R"({"limits":{"cpu":"1"}})");
  EXPECT_EQ(text(at(c, "securityContext")), R"({"runAsNonRoot":true})");
  EXPECT_EQ(at(c, "workingDir"), "/work");
  EXPECT_EQ(text(at(c, "volumeMounts")), R"([{"name":"cache","mountPath":"/cache"}])");
  auto env = env_lines(d);
  EXPECT_THAT(env, Contains("LOG_LEVEL=DEBUG"));  // the user wins over DEFAULT_LOG_LEVEL
  EXPECT_THAT(env, Not(Contains("LOG_LEVEL=INFO")));
  EXPECT_THAT(env, Contains(R"(EXTRA<-{"secretKeyRef":{"name":"s","key":"k"}})"));
  EXPECT_EQ(std::count_if(env.begin(), env.end(), [](const auto& l) { return l.starts_with("LOG_LEVEL"); }), 1);
  EXPECT_EQ(text(at(d, "spec/template/spec/volumes")), R"([{"name":"cache","emptyDir":{}}])");
}

TEST(RenderOverride, AUserCommandRunsAsWritten) {
  auto d = deployment(agent("  container: {command: [python, agent.py]}\n"));
  const auto& c = at(d, "spec/template/spec/containers/0").as_object();
  EXPECT_EQ(text(c.at("command")), R"(["python","agent.py"])");
  EXPECT_FALSE(c.contains("args"));
  auto with_args = deployment(agent("  container: {args: [--verbose]}\n"));
  EXPECT_EQ(text(at(with_args, "spec/template/spec/containers/0/command")), R"(["kaos"])");
  EXPECT_EQ(text(at(with_args, "spec/template/spec/containers/0/args")), R"(["--verbose"])");
}

TEST(RenderOverride, PodSpecMergesAfterTheContainerOverride) {
  auto d = deployment(agent(R"(  container: {env: [{name: A, value: from-container}], image: me/agent:2}
  podSpec:
    nodeSelector: {disk: ssd}
    containers:
      - name: agent
        image: me/agent:3
        env: [{name: A, value: from-podspec}, {name: B, value: b}]
      - name: sidecar
        image: envoy:1
)"));
  const auto& pod = at(d, "spec/template/spec");
  EXPECT_EQ(text(at(pod, "nodeSelector")), R"({"disk":"ssd"})");
  EXPECT_EQ(at(pod, "containers/0/image"), "me/agent:3");
  EXPECT_EQ(at(pod, "containers/1/name"), "sidecar");
  auto env = env_lines(d);
  EXPECT_THAT(env, Contains("A=from-podspec"));
  EXPECT_THAT(env, Contains("B=b"));
  EXPECT_THAT(env, Contains("AGENT_NAME=a"));  // the operator's env stays
}

TEST(RenderOverride, ResourcesOverrideForMcpAndModelApi) {
  auto objects = render_resources(parse(std::string(kModel) + R"(apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: t}
spec: {runtime: python-string, container: {resources: {requests: {memory: 64Mi}}}}
)"),
                                  {})
                     .objects();
  EXPECT_EQ(text(at(find(objects, "Deployment", "mcpserver-t"), "spec/template/spec/containers/0/resources")),
            R"({"requests":{"memory":"64Mi"}})");
}

TEST(RenderHash, StableAcrossRunsAndChangesWithTheSpec) {
  auto a = deployment(agent(""));
  auto b = deployment(agent(""));
  auto annotation = [](const json::object& d) {
    return std::string(at(d, "spec/template/metadata/annotations").as_object().at(kPodSpecHashAnnotation).as_string());
  };
  EXPECT_EQ(annotation(a).size(), 16u);
  EXPECT_EQ(annotation(a), annotation(b));
  EXPECT_EQ(annotation(a), pod_spec_hash(at(a, "spec/template/spec").as_object()));
  auto changed = deployment(agent("  config: {description: other}\n"));
  EXPECT_NE(annotation(a), annotation(changed));
  auto override = deployment(agent("  podSpec: {nodeSelector: {disk: ssd}}\n"));
  EXPECT_NE(annotation(a), annotation(override));
}

TEST(RenderHash, KeyOrderDoesNotMatter) {
  auto one = parse_json(R"({"a": 1, "b": {"c": [1, {"d": 2, "e": 3}]}})");
  auto two = parse_json(R"({"b": {"c": [1, {"e": 3, "d": 2}]}, "a": 1})");
  ASSERT_TRUE(one && two);
  EXPECT_EQ(pod_spec_hash(one->as_object()), pod_spec_hash(two->as_object()));
  auto three = parse_json(R"({"b": {"c": [{"e": 3, "d": 2}, 1]}, "a": 1})");  // list order does
  EXPECT_NE(pod_spec_hash(one->as_object()), pod_spec_hash(three->as_object()));
}

OperatorSettings gateway_on() {
  OperatorSettings s;
  s.gateway.enabled = true;
  s.system_namespace = "kaos-system";
  return s;
}

TEST(RenderRoute, HttpRouteShape) {
  auto objects = render_resources(parse(agent("")), gateway_on()).objects();
  auto r = find(objects, "HTTPRoute", "agent-a");
  EXPECT_EQ(r.at("apiVersion"), "gateway.networking.k8s.io/v1");
  EXPECT_EQ(text(at(r, "metadata/labels")), R"({"app":"agent","agent":"a"})");
  EXPECT_EQ(
      text(at(r, "spec")),
      R"({"parentRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"kaos-gateway","namespace":"kaos-system"}],)"
      R"("rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/default/agent/a"}}],)"
      R"("filters":[{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/"}}},)"
      R"({"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"x-kaos-target-resource","value":"kaos://agent/default/a"}]}}],)"
      R"("backendRefs":[{"group":"","kind":"Service","name":"agent-a","port":8000}],"timeouts":{"request":"120s"}}]})");
  auto m = find(objects, "HTTPRoute", "modelapi-llm");
  EXPECT_EQ(at(m, "spec/rules/0/matches/0/path/value"), "/default/modelapi/llm");
}

TEST(RenderRoute, TimeoutsPerKindAndFromTheSpec) {
  auto objects = render_resources(parse(std::string(kModel) + R"(apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: t}
spec: {runtime: python-string}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: slow}
spec: {runtime: python-string, gatewayRoute: {timeout: 10m}}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: zero}
spec: {runtime: python-string, gatewayRoute: {timeout: 0s}}
)"),
                                  gateway_on())
                     .objects();
  auto t = find(objects, "HTTPRoute", "mcp-t");
  EXPECT_EQ(at(t, "spec/rules/0/timeouts/request"), "30s");
  EXPECT_EQ(at(t, "spec/rules/0/matches/0/path/value"), "/default/mcp/t");
  EXPECT_EQ(at(t, "spec/rules/0/backendRefs/0/name"), "mcpserver-t");
  EXPECT_EQ(at(find(objects, "HTTPRoute", "mcp-slow"), "spec/rules/0/timeouts/request"), "10m");
  EXPECT_FALSE(at(find(objects, "HTTPRoute", "mcp-zero"), "spec/rules/0").as_object().contains("timeouts"));
}

TEST(RenderRoute, NoneWithoutGatewayOrService) {
  EXPECT_FALSE(has(render_resources(parse(agent("")), {}).objects(), "HTTPRoute", "agent-a"));
  auto hidden = render_resources(parse(agent("  agentNetwork: {expose: false}\n")), gateway_on()).objects();
  EXPECT_FALSE(has(hidden, "HTTPRoute", "agent-a"));
  EXPECT_FALSE(has(hidden, "Service", "agent-a"));
}

}  // namespace
}  // namespace kaos::control::operator_
