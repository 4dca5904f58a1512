// Renderers of the three workload kinds: names, labels, ports, probes, env, files, Hosted.
#include "control/operator/render.hpp"

#include <gmock/gmock.h>

#include "control/operator/render_test_support.hpp"

namespace kaos::control::operator_ {
namespace {

using testing::at;
using ::testing::Contains;
using ::testing::ElementsAre;
using testing::env_lines;
using testing::find;
using testing::has;
using testing::parse;
using testing::text;

constexpr const char* kSet = R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm, namespace: team}
spec:
  mode: Proxy
  proxyConfig:
    models: ["openai/*"]
    apiKey: {valueFrom: {secretKeyRef: {name: openai, key: api-key}}}
---
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: local, namespace: team}
spec: {mode: Hosted, hostedConfig: {model: "llama3.2:1b"}}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: tools, namespace: team}
spec: {runtime: python-string, params: "def f() -> str:\n    return 'x'\n"}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: img, namespace: team}
spec: {runtime: custom, serviceAccountName: reader, container: {image: "me/mcp:1", args: ["--port", "{port}"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: helper, namespace: team, uid: 1234-abcd}
spec:
  modelAPI: llm
  model: openai/gpt-4o
  mcpServers: [tools]
  config: {description: Helps}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: hidden, namespace: team}
spec:
  modelAPI: local
  model: "llama3.2:1b"
  agentNetwork: {expose: false}
)";

RenderedSet render(const std::string& yaml, OperatorSettings settings = {}) {
  return render_resources(parse(yaml), settings);
}

TEST(RenderAgent, DeploymentFollowsKaos) {
  auto objects = render(kSet).objects();
  auto d = find(objects, "Deployment", "agent-helper");
  EXPECT_EQ(d.at("apiVersion"), "apps/v1");
  EXPECT_EQ(text(at(d, "metadata/labels")), R"({"app":"agent","agent":"helper"})");
  EXPECT_EQ(at(d, "metadata/namespace"), "team");
  EXPECT_EQ(at(d, "spec/replicas"), 1);
  EXPECT_EQ(text(at(d, "spec/selector/matchLabels")), R"({"app":"agent","agent":"helper"})");
  EXPECT_EQ(text(at(d, "spec/template/metadata/labels")), R"({"app":"agent","agent":"helper"})");
  const auto& c = at(d, "spec/template/spec/containers/0");
  EXPECT_EQ(at(c, "name"), "agent");
  EXPECT_EQ(at(c, "image"), json::value(plan::PlanOptions{}.agent_image));
  EXPECT_EQ(text(at(c, "command")), R"(["kaos"])");
  EXPECT_EQ(text(at(c, "args")), R"(["agent","--host","0.0.0.0","--port","8000"])");
  EXPECT_EQ(text(at(c, "ports")), R"([{"name":"http","containerPort":8000,"protocol":"TCP"}])");
  EXPECT_EQ(
      text(at(c, "livenessProbe")),
      R"({"httpGet":{"path":"/health","port":8000},"initialDelaySeconds":5,"periodSeconds":10,"timeoutSeconds":3,"failureThreshold":3})");
  EXPECT_EQ(
      text(at(c, "readinessProbe")),
      R"({"httpGet":{"path":"/ready","port":8000},"initialDelaySeconds":3,"periodSeconds":5,"timeoutSeconds":3,"failureThreshold":2})");
  auto env = env_lines(d);
  EXPECT_TRUE(std::is_sorted(env.begin(), env.end())) << "KAOS sorts the env";
  EXPECT_THAT(env, Contains("MODEL_API_URL=http://modelapi-llm.team.svc.cluster.local:8000"));
  EXPECT_THAT(env, Contains("MCP_SERVER_tools_URL=http://mcpserver-tools.team.svc.cluster.local:8000"));
  EXPECT_THAT(env, Contains("AGENT_DESCRIPTION=Helps"));
}

TEST(RenderAgent, OwnerReferencesOnlyWithAUid) {
  auto objects = render(kSet).objects();
  auto d = find(objects, "Deployment", "agent-helper");
  EXPECT_EQ(
      text(at(d, "metadata/ownerReferences")),
      R"([{"apiVersion":"kaos.tools/v1alpha1","kind":"Agent","name":"helper","uid":"1234-abcd","controller":true,"blockOwnerDeletion":true}])");
  EXPECT_EQ(text(at(find(objects, "Service", "agent-helper"), "metadata/ownerReferences/0/uid")), R"("1234-abcd")");
  auto hidden = find(objects, "Deployment", "agent-hidden");
  EXPECT_FALSE(hidden.at("metadata").as_object().contains("ownerReferences"));
}

TEST(RenderAgent, ServiceUnlessNotExposed) {
  auto objects = render(kSet).objects();
  auto s = find(objects, "Service", "agent-helper");
  EXPECT_EQ(
      text(at(s, "spec")),
      R"({"type":"ClusterIP","selector":{"app":"agent","agent":"helper"},"ports":[{"name":"http","port":8000,"targetPort":8000,"protocol":"TCP"}]})");
  EXPECT_FALSE(has(objects, "Service", "agent-hidden"));
  EXPECT_TRUE(has(objects, "Deployment", "agent-hidden"));
}

TEST(RenderModelAPI, ProxyConfigMapMountedWhereTheCommandReadsIt) {
  auto objects = render(kSet).objects();
  auto cm = find(objects, "ConfigMap", "litellm-config-llm");
  EXPECT_EQ(text(at(cm, "metadata/labels")), R"({"app":"modelapi","modelapi":"llm"})");
  EXPECT_NE(std::string(at(cm, "data/config.yaml").as_string()).find("model_list:"), std::string::npos);
  auto d = find(objects, "Deployment", "modelapi-llm");
  const auto& c = at(d, "spec/template/spec/containers/0");
  EXPECT_EQ(at(c, "name"), "model-api");
  EXPECT_EQ(text(at(c, "args")),
            R"(["modelapi","--config","/etc/litellm/config.yaml","--host","0.0.0.0","--port","8000"])");
  EXPECT_EQ(text(at(c, "volumeMounts")), R"([{"name":"files","mountPath":"/etc/litellm","readOnly":true}])");
  EXPECT_EQ(text(at(d, "spec/template/spec/volumes")),
            R"([{"name":"files","configMap":{"name":"litellm-config-llm"}}])");
  EXPECT_THAT(env_lines(d), Contains(R"(PROXY_API_KEY<-{"secretKeyRef":{"name":"openai","key":"api-key"}})"));
  EXPECT_EQ(text(at(c, "livenessProbe/httpGet")), R"({"path":"/health/liveliness","port":8000})");
}

TEST(RenderModelAPI, HostedRunsOllamaWithPullModelAndData) {
  auto objects = render(kSet).objects();
  auto d = find(objects, "Deployment", "modelapi-local");
  const auto& pod = at(d, "spec/template/spec");
  const auto& c = at(pod, "containers/0");
  EXPECT_EQ(at(c, "image"), json::value(plan::PlanOptions{}.ollama_image));
  EXPECT_EQ(text(at(c, "command")), R"(["ollama","serve"])");
  EXPECT_EQ(text(at(c, "ports")), R"([{"name":"http","containerPort":11434,"protocol":"TCP"}])");
  EXPECT_EQ(text(at(c, "volumeMounts")), R"([{"name":"ollama-data","mountPath":"/root/.ollama"}])");
  EXPECT_EQ(text(at(pod, "volumes")), R"([{"name":"ollama-data","emptyDir":{}}])");
  const auto& init = at(pod, "initContainers/0");
  EXPECT_EQ(at(init, "name"), "pull-model");
  EXPECT_EQ(
      text(at(init, "command")),
      R"(["/bin/sh","-c","ollama serve & OLLAMA_PID=$! && sleep 5 && ollama pull llama3.2:1b && kill $OLLAMA_PID"])");
  EXPECT_EQ(text(at(init, "volumeMounts")), R"([{"name":"ollama-data","mountPath":"/root/.ollama"}])");
  EXPECT_EQ(at(find(objects, "Service", "modelapi-local"), "spec/ports/0/port"), 11434);
  // The agent on it reaches Ollama's port.
  EXPECT_THAT(env_lines(find(objects, "Deployment", "agent-hidden")),
              Contains("MODEL_API_URL=http://modelapi-local.team.svc.cluster.local:11434"));
}

TEST(RenderMCPServer, OurRoleAndACustomImage) {
  auto objects = render(kSet).objects();
  auto d = find(objects, "Deployment", "mcpserver-tools");
  const auto& c = at(d, "spec/template/spec/containers/0");
  EXPECT_EQ(at(c, "name"), "mcp-server");
  EXPECT_EQ(text(at(c, "args")), R"(["mcp","--runtime","python-string","--host","0.0.0.0","--port","8000"])");
  EXPECT_EQ(text(at(d, "metadata/labels")), R"({"app":"mcpserver","mcpserver":"tools"})");

  auto img = find(objects, "Deployment", "mcpserver-img");
  const auto& pod = at(img, "spec/template/spec");
  const auto& ic = at(pod, "containers/0");
  EXPECT_EQ(at(ic, "image"), "me/mcp:1");
  EXPECT_FALSE(ic.as_object().contains("command")) << "the image's entrypoint runs";
  EXPECT_EQ(text(at(ic, "args")), R"(["--port","8000"])");
  EXPECT_EQ(
      text(at(ic, "livenessProbe")),
      R"({"tcpSocket":{"port":8000},"initialDelaySeconds":5,"periodSeconds":10,"timeoutSeconds":3,"failureThreshold":3})");
  EXPECT_EQ(
      text(at(ic, "readinessProbe")),
      R"({"tcpSocket":{"port":8000},"initialDelaySeconds":3,"periodSeconds":5,"timeoutSeconds":3,"failureThreshold":2})");
  EXPECT_EQ(at(pod, "serviceAccountName"), "reader");
}

TEST(RenderResources, FailedWorkloadsRenderNothingAndSayWhy) {
  auto set = render(std::string(kSet) + R"(---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: broken, namespace: team}
spec: {runtime: everything}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: wrong, namespace: team}
spec: {modelAPI: llm, model: anthropic/claude}
)");
  std::vector<std::string> order;
  for (const auto& w : set.workloads) {
    order.push_back(w.ref.id());
    if (w.ref.name == "broken") {
      EXPECT_EQ(w.not_rendered, "unknown runtime: everything (not found in registry)");
      EXPECT_TRUE(w.objects.empty());
    }
    if (w.ref.name == "wrong") {
      EXPECT_TRUE(w.not_rendered && w.not_rendered->find("not supported") != std::string::npos);
    }
  }
  EXPECT_THAT(order,
              ElementsAre("modelapi/team/llm", "modelapi/team/local", "mcpserver/team/broken", "mcpserver/team/img",
                          "mcpserver/team/tools", "agent/team/helper", "agent/team/hidden", "agent/team/wrong"));
  EXPECT_FALSE(has(set.objects(), "Deployment", "mcpserver-broken"));
}

TEST(RenderResources, WaitingWorkloadsRenderAndSaySo) {
  auto set = render(R"(
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec: {modelAPI: elsewhere, model: m}
)");
  ASSERT_EQ(set.workloads.size(), 1u);
  EXPECT_EQ(set.workloads[0].waiting, "ModelAPI elsewhere not found");
  EXPECT_TRUE(has(set.objects(), "Deployment", "agent-a"));
}

TEST(RenderResources, SameInputSameBytes) {
  auto a = render(kSet).objects(), b = render(kSet).objects();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(text(a[i]), text(b[i]));
}

}  // namespace
}  // namespace kaos::control::operator_
