#pragma once
// The operator's permissions: the one list of what `kaos operator` may do on a cluster. The
// install (install.hpp), the Helm chart (deploy/helm/kaos-operator, checked against this by
// tests/helm/chart_test.py) and docs/operator.md all follow it.
#include <string>
#include <vector>

#include "core/json.hpp"

namespace kaos::control::operator_ {

/// One rbac.authorization.k8s.io/v1 PolicyRule.
struct PolicyRule {
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> verbs;
};

/// The ClusterRole's rules (the operator watches every namespace unless --namespaces narrows
/// it). The gateway.networking.k8s.io rules are there only when `gateway_api` is on.
std::vector<PolicyRule> operator_cluster_rules(bool gateway_api);

/// The Role's rules in the operator's own namespace: the leader-election Lease.
std::vector<PolicyRule> leader_election_rules();

/// `{apiGroups, resources, verbs}`.
json::value to_json(const PolicyRule& rule);

}  // namespace kaos::control::operator_
