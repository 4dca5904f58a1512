// Least privilege: these rules MUST match the API calls the controllers, the manager and the
// leader elector make, no more and no less. Adding a call in a controller means adding its
// verb here (and the test in rbac_test.cpp, and the table in docs/operator.md).
#include "control/operator/rbac.hpp"

#include "control/operator/names.hpp"

namespace kaos::control::operator_ {

namespace {

const std::vector<std::string> kReadWrite = {"get", "list", "watch", "create", "update", "patch", "delete"};
const std::vector<std::string> kRead = {"get", "list", "watch"};

}  // namespace

std::vector<PolicyRule> operator_cluster_rules(bool gateway_api) {
  const std::string group(kGroup);
  std::vector<PolicyRule> rules = {
      // The four kinds: read and watch them, add and remove finalizers (update/patch). The
      // operator never creates or deletes a KAOS resource.
      {{group}, {"agents", "mcpservers", "memorystores", "modelapis"}, {"get", "list", "watch", "update", "patch"}},
      {{group},
       {"agents/status", "mcpservers/status", "memorystores/status", "modelapis/status"},
       {"get", "update", "patch"}},
      // Owner references with blockOwnerDeletion on an owner's children need update on the
      // owner's finalizers subresource (where the OwnerReferencesPermissionEnforcement
      // admission plugin is on). MemoryStore carries no KAOS finalizer.
      {{group}, {"agents/finalizers", "mcpservers/finalizers", "modelapis/finalizers"}, {"update"}},
      // Children: each resource's Deployment and Service; LiteLLM configs; the system
      // namespace's kaos-operator-config and kaos-mcp-runtimes (read).
      {{"apps"}, {"deployments"}, kReadWrite},
      {{""}, {"configmaps", "services"}, kReadWrite},
      // ServiceAccounts are looked up, never written.
      {{""}, {"serviceaccounts"}, kRead},
      // Events about the resources it reconciles, through either API.
      {{""}, {"events"}, {"create", "patch"}},
      {{"events.k8s.io"}, {"events"}, {"create", "patch"}},
  };
  if (gateway_api) {
    rules.push_back({{"gateway.networking.k8s.io"}, {"httproutes"}, kReadWrite});
    rules.push_back({{"gateway.networking.k8s.io"}, {"gateways"}, kRead});
  }
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
