// Least privilege: these rules MUST match the API calls the controllers, the manager and the
// leader elector make, no more and no less. Adding a call in a controller means adding its
// verb here (and the test in rbac_test.cpp, and the table in docs/operator.md).
#include "control/operator/rbac.hpp"

#include "control/operator/names.hpp"

namespace kaos::control::operator_ {

namespace {

// Children are written by server-side apply (PATCH; creating one by apply needs create too),
// listed and watched by informers, and deleted when no longer rendered. Never GET or PUT.
const std::vector<std::string> kOwnedChildren = {"list", "watch", "create", "patch", "delete"};

}  // namespace

std::vector<PolicyRule> operator_cluster_rules(bool gateway_api) {
  const std::string group(kGroup);
  std::vector<PolicyRule> rules = {
      // The four kinds: list and watch them (informers); finalizers are added and removed by a
      // conditional merge patch. The operator never creates, replaces or deletes a KAOS resource.
      {{group}, {"agents", "mcpservers", "memorystores", "modelapis"}, {"list", "watch", "patch"}},
      // Status is written by server-side apply on /status (MemoryStores run nothing yet: no status).
      {{group}, {"agents/status", "mcpservers/status", "modelapis/status"}, {"patch"}},
      // Owner references with blockOwnerDeletion on an owner's children need update on the
      // owner's finalizers subresource (where the OwnerReferencesPermissionEnforcement
      // admission plugin is on). MemoryStore carries no KAOS finalizer.
      {{group}, {"agents/finalizers", "mcpservers/finalizers", "modelapis/finalizers"}, {"update"}},
      // Children: each resource's Deployment and Service, generated configs; the system
      // namespace's kaos-mcp-runtimes is read through the configmaps informer.
      {{"apps"}, {"deployments"}, kOwnedChildren},
      {{""}, {"configmaps", "services"}, kOwnedChildren},
      // Events about the resources it reconciles (events.k8s.io/v1; never updated).
      {{"events.k8s.io"}, {"events"}, {"create"}},
  };
  if (gateway_api) rules.push_back({{"gateway.networking.k8s.io"}, {"httproutes"}, kOwnedChildren});
  return rules;
}

std::vector<PolicyRule> leader_election_rules() {
  // The elector gets the Lease, creates it when absent and renews it by update.
  return {{{"coordination.k8s.io"}, {"leases"}, {"get", "create", "update"}}};
}

json::value to_json(const PolicyRule& rule) {
  auto strings = [](const std::vector<std::string>& items) {
    json::array a;
    for (const auto& s : items) a.emplace_back(s);
    return a;
  };
  return json::object{
      {"apiGroups", strings(rule.api_groups)}, {"resources", strings(rule.resources)}, {"verbs", strings(rule.verbs)}};
}

}  // namespace kaos::control::operator_
