#pragma once
// Values for env references (secretKeyRef, configMapKeyRef, fieldRef) outside a cluster:
// Secret and ConfigMap documents of the applied manifest set first, then the local secret
// store that `kaos secret set` writes (state dir, secrets.json, 0600). Values are never logged.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/resource.hpp"
#include "control/local/state_dir.hpp"
#include "core/result.hpp"
#include "plan/plan.hpp"

namespace kaos::local {

/// The local secret store: {"<namespace>/<name>": {"<key>": "<value>"}}.
class SecretStore {
 public:
  explicit SecretStore(StateDir dir) : dir_(std::move(dir)) {}
  Result<std::map<std::string, std::map<std::string, std::string>>> load() const;
  Result<void> set(const std::string& namespace_, const std::string& name, const std::string& key,
                   const std::string& value) const;
  /// Removes one key, or the whole secret when `key` is empty. False when absent.
  Result<bool> remove(const std::string& namespace_, const std::string& name, const std::string& key) const;

 private:
  StateDir dir_;
};

/// Resolves a workload's env: literal values as they are, references looked up. An error names
/// the variable, the reference and the fix ("add a Secret to the manifests or run
/// `kaos secret set NAME KEY`"). Optional references that are missing are left out.
Result<std::map<std::string, std::string>> resolve_env(const plan::Workload& workload,
                                                       const std::vector<api::Resource>& resources,
                                                       const SecretStore& store);

}  // namespace kaos::local
