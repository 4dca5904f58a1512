// Shared types: ContainerOverride's securityContext and volumeMounts (every kind), and the
// gatewayRoute.timeout pattern (KAOS CRDs @32ac5c20).
#include <gtest/gtest.h>

#include "api/common_types.hpp"
#include "api/test_support.hpp"

namespace kaos::api {
namespace {

using testing::agent_yaml;
using testing::errors;
using testing::findings;
using testing::load_yaml;

TEST(GatewayDuration, MatchesKaosPattern) {
  // The inputs ^([0-9]+(h|m|s|ms)){1,4}$ accepts ...
  for (const char* ok : {"0s", "30s", "5m", "1h", "250ms", "1h30m", "1h30m10s", "1h2m3s4ms", "10ms5s", "007s"})
    EXPECT_TRUE(is_gateway_duration(ok)) << ok;
  // ... and those it rejects.
  for (const char* bad : {"", "30", "s", "1d", "1.5s", "1h2m3s4ms5s", "1hm", "-1s", " 1s", "1s ", "1S", "1mss", "ms"})
    EXPECT_FALSE(is_gateway_duration(bad)) << bad;
}

TEST(GatewayDuration, TimeoutIsChecked) {
  EXPECT_EQ(errors(load_yaml(agent_yaml("  gatewayRoute: {timeout: '30'}\n"))),
            std::vector<std::string>{"Agent/a: spec.gatewayRoute.timeout: must be a Gateway API duration such as "
                                     "30s, 5m or 1h30m (pattern ^([0-9]+(h|m|s|ms)){1,4}$), got \"30\""});
  EXPECT_TRUE(errors(load_yaml(agent_yaml("  gatewayRoute: {timeout: 1h30m}\n"))).empty());
}

TEST(ContainerOverride, VolumeMountsNeedNameAndPath) {
  EXPECT_EQ(errors(load_yaml(agent_yaml("  container:\n    volumeMounts: [{readOnly: true}]\n"))),
            (std::vector<std::string>{"Agent/a: spec.container.volumeMounts[0].name: required",
                                      "Agent/a: spec.container.volumeMounts[0].mountPath: required"}));
  EXPECT_EQ(errors(load_yaml(agent_yaml("  container:\n    volumeMounts: [{name: v, mountPath: /v, size: 1}]\n"))),
            std::vector<std::string>{"Agent/a: spec.container.volumeMounts[0].size: unknown field"});
}

TEST(ContainerOverride, ClusterOnlyFieldsGetANote) {
  auto set = load_yaml(
      "apiVersion: kaos.tools/v1alpha1\nkind: MCPServer\nmetadata: {name: t}\nspec:\n  runtime: slack\n"
      "  container:\n    securityContext: {readOnlyRootFilesystem: true, anything: [1]}\n"
      "    volumeMounts: [{name: v, mountPath: /v}]\n");
  EXPECT_FALSE(set.has_errors());
  auto f = findings(set);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0],
            "test.yaml:1: MCPServer/t: note: spec.container.securityContext: takes effect in a cluster only (KAOS's "
            "operator applies it to Agents): kaos up runs the process without a container");
  EXPECT_EQ(f[1],
            "test.yaml:1: MCPServer/t: note: spec.container.volumeMounts: takes effect in a cluster only (KAOS's "
            "operator applies it to Agents): kaos up runs the process without a container");
}

}  // namespace
}  // namespace kaos::api
