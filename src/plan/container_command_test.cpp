// A substrate that runs images (PlanOptions::runs_images, the operator) and how a container runs
// a workload (container_command): the cluster side of the plan.
#include "plan/plan_test_support.hpp"

namespace kaos::plan {
namespace {

using testing::cluster_addressing;
using ::testing::ElementsAre;
using testing::parse;

const Workload& get(const Plan& p, const std::string& id) {
  const auto* w = p.find(id);
  EXPECT_NE(w, nullptr) << id;
  static const Workload none;
  return w ? *w : none;
}

PlanOptions cluster_options() {
  PlanOptions o;
  o.runs_images = true;
  o.mcp_runtimes.runtimes["bare"] = {"bare", "go", "", "an entry without an image", {}, {}, "", "http", {}};
  return o;
}

constexpr const char* kImageRuntimes = R"(
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: img}
spec: {runtime: custom, container: {image: "me/server:1", args: [--port, "{port}"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: bare}
spec: {runtime: bare}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: k8s}
spec: {runtime: kubernetes, container: {resources: {limits: {cpu: 500m}}}}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: slack}
spec: {runtime: slack, container: {args: [--verbose]}}
)";

TEST(PlanRunsImages, ImageOnlyRuntimesRunTheirEntrypointInACluster) {
  Plan p = plan_resources(parse(kImageRuntimes), cluster_addressing(), cluster_options());
  const auto& img = get(p, "mcpserver/default/img");
  EXPECT_FALSE(img.failure);
  EXPECT_TRUE(img.command.empty());
  EXPECT_THAT(img.entrypoint_args, ElementsAre("--port", "8000"));
  EXPECT_EQ(img.image, "me/server:1");
  EXPECT_EQ(img.liveness, (ProbePlan{ProbePlan::Type::tcp, "", 5, 10, 3, 3}));
  EXPECT_EQ(img.readiness, (ProbePlan{ProbePlan::Type::tcp, "", 3, 5, 3, 2}));

  EXPECT_EQ(get(p, "mcpserver/default/bare").failure,
            "runtime bare has no image in the registry; set spec.container.image");

  // The registry's args, its image; resources are the one override left to the operator.
  const auto& k8s = get(p, "mcpserver/default/k8s");
  EXPECT_FALSE(k8s.failure);
  EXPECT_THAT(k8s.entrypoint_args, ElementsAre("--port", "8000"));
  ASSERT_TRUE(k8s.container_override);
  EXPECT_TRUE(k8s.container_override->resources);
  EXPECT_TRUE(k8s.container_override->command.empty());

  // The registry's command stays; the user's args replace the registry's (none here).
  const auto& slack = get(p, "mcpserver/default/slack");
  EXPECT_THAT(slack.command, ElementsAre("--transport", "http", "--port", "8000", "--verbose"));
  EXPECT_FALSE(slack.container_override);
}

TEST(PlanRunsImages, MemoryStoresSayWhatTheOperatorLacks) {
  Plan p = plan_resources(parse(R"(
apiVersion: kaos.tools/v1alpha1
kind: MemoryStore
metadata: {name: mem}
spec:
  storage: {type: local}
  models:
    summarization: {modelAPI: llm, model: m}
    embedding: {modelAPI: llm, model: e}
)"),
                          cluster_addressing(), cluster_options());
  const auto& mem = get(p, "memorystore/default/mem");
  ASSERT_TRUE(mem.failure);
  EXPECT_TRUE(mem.failure->starts_with("MemoryStores are not run by the kaos operator yet")) << *mem.failure;
}

TEST(PlanRunsImages, LocallyTheSameSetStillNeedsCommands) {
  Plan p = plan_resources(parse(kImageRuntimes), cluster_addressing());
  EXPECT_TRUE(get(p, "mcpserver/default/img").failure);
  EXPECT_TRUE(get(p, "mcpserver/default/k8s").failure);
  EXPECT_TRUE(get(p, "mcpserver/default/img").entrypoint_args.empty());
}

TEST(ContainerCommand, OurRolesRunTheImageEntrypointWithArgs) {
  Workload w;
  w.command = {"kaos", "modelapi", "--config", "{files}/config.yaml", "--port", "8000"};
  auto c = container_command(w, "/etc/litellm");
  EXPECT_THAT(c.command, ElementsAre("kaos"));
  EXPECT_THAT(c.args, ElementsAre("modelapi", "--config", "/etc/litellm/config.yaml", "--port", "8000"));
}

TEST(ContainerCommand, UserProgramsAndEntrypoints) {
  Workload user;
  user.command = {"./server", "--files", "{files}"};
  auto c = container_command(user, "/d");
  EXPECT_THAT(c.command, ElementsAre("./server", "--files", "/d"));
  EXPECT_TRUE(c.args.empty());

  Workload entry;
  entry.entrypoint_args = {"--port", "8000"};
  c = container_command(entry, "/d");
  EXPECT_TRUE(c.command.empty());
  EXPECT_THAT(c.args, ElementsAre("--port", "8000"));
}

TEST(PlanRunsImages, EntrypointArgsChangeTheFingerprint) {
  auto yaml = [](const char* arg) {
    return std::string(R"(
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: img}
spec: {runtime: custom, container: {image: "me/server:1", args: [)") +
           arg + "]}}\n";
  };
  Plan a = plan_resources(parse(yaml("a")), cluster_addressing(), cluster_options());
  Plan b = plan_resources(parse(yaml("b")), cluster_addressing(), cluster_options());
  EXPECT_NE(get(a, "mcpserver/default/img").fingerprint, get(b, "mcpserver/default/img").fingerprint);
}

}  // namespace
}  // namespace kaos::plan
