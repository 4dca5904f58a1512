#include "control/operator/rbac.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace kaos::control::operator_ {
namespace {

bool contains(const std::vector<std::string>& items, std::string_view s) {
  return std::find(items.begin(), items.end(), s) != items.end();
}

// Every verb the rules grant on group/resource.
std::vector<std::string> verbs_on(const std::vector<PolicyRule>& rules, std::string_view group,
                                  std::string_view resource) {
  std::vector<std::string> out;
  for (const auto& r : rules)
    if (contains(r.api_groups, group) && contains(r.resources, resource))
      out.insert(out.end(), r.verbs.begin(), r.verbs.end());
  std::sort(out.begin(), out.end());
  return out;
}

using Verbs = std::vector<std::string>;

TEST(Rbac, NoWildcardsNoSecretsNoLeasesClusterWide) {
  for (bool gateway : {false, true}) {
    for (const auto& r : operator_cluster_rules(gateway)) {
      EXPECT_FALSE(contains(r.api_groups, "*"));
      EXPECT_FALSE(contains(r.resources, "*"));
      EXPECT_FALSE(contains(r.verbs, "*"));
      EXPECT_FALSE(contains(r.resources, "secrets"));
      EXPECT_FALSE(contains(r.resources, "leases"));
      EXPECT_FALSE(contains(r.api_groups, "apiextensions.k8s.io"));
    }
  }
}

TEST(Rbac, TheContractOfTheControllers) {
  auto rules = operator_cluster_rules(true);
  for (auto kind : {"agents", "mcpservers", "modelapis", "memorystores"})
    EXPECT_EQ(verbs_on(rules, "kaos.tools", kind), (Verbs{"list", "patch", "watch"})) << kind;
  for (auto kind : {"agents", "mcpservers", "modelapis"}) {
    EXPECT_EQ(verbs_on(rules, "kaos.tools", std::string(kind) + "/status"), (Verbs{"patch"})) << kind;
    EXPECT_EQ(verbs_on(rules, "kaos.tools", std::string(kind) + "/finalizers"), (Verbs{"update"})) << kind;
  }
  EXPECT_TRUE(verbs_on(rules, "kaos.tools", "memorystores/status").empty());
  EXPECT_TRUE(verbs_on(rules, "kaos.tools", "memorystores/finalizers").empty());
  Verbs owned = {"create", "delete", "list", "patch", "watch"};
  EXPECT_EQ(verbs_on(rules, "apps", "deployments"), owned);
  EXPECT_EQ(verbs_on(rules, "", "services"), owned);
  EXPECT_EQ(verbs_on(rules, "", "configmaps"), owned);
  EXPECT_TRUE(verbs_on(rules, "", "serviceaccounts").empty());
  EXPECT_TRUE(verbs_on(rules, "", "secrets").empty());
  EXPECT_TRUE(verbs_on(rules, "", "events").empty());
  EXPECT_EQ(verbs_on(rules, "events.k8s.io", "events"), (Verbs{"create"}));
  EXPECT_EQ(verbs_on(rules, "gateway.networking.k8s.io", "httproutes"), owned);
  EXPECT_TRUE(verbs_on(rules, "gateway.networking.k8s.io", "gateways").empty());
  EXPECT_TRUE(verbs_on(operator_cluster_rules(false), "gateway.networking.k8s.io", "httproutes").empty());
}

TEST(Rbac, LeaderElectionIsARoleOnLeases) {
  auto rules = leader_election_rules();
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(verbs_on(rules, "coordination.k8s.io", "leases"), (Verbs{"create", "get", "update"}));
  auto j = to_json(rules[0]);
  EXPECT_EQ(j.at("apiGroups"), (json::array{"coordination.k8s.io"}));
}

}  // namespace
}  // namespace kaos::control::operator_
