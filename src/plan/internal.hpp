#pragma once
// Shared pieces of the planners (not part of the public interface): the index of the set,
// the environment builder, telemetry merging, Secret reading and the fingerprint.
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "plan/plan.hpp"

namespace kaos::plan::detail {

/// The resources of the set by (namespace, name), one map per kind. A later duplicate replaces
/// an earlier one, as `kubectl apply` of the same stream would.
struct SetIndex {
  using Key = std::pair<std::string, std::string>;  // namespace, name
  std::map<Key, const api::ModelAPI*> modelapis;
  std::map<Key, const api::MCPServer*> mcpservers;
  std::map<Key, const api::Agent*> agents;
  std::map<Key, const api::MemoryStore*> memorystores;
  std::map<Key, const api::GenericObject*> secrets;
  /// KAOS kinds we accept without modelling them (AccessGrant, ThirdPartyService), by
  /// (kind, namespace, name).
  std::map<std::tuple<std::string, std::string, std::string>, const api::GenericObject*> unmodelled;

  explicit SetIndex(const std::vector<api::Resource>& resources);

  template <class T>
  static const T* find(const std::map<Key, const T*>& m, const std::string& ns, const std::string& name) {
    auto it = m.find(Key{ns, name});
    return it == m.end() ? nullptr : it->second;
  }
};

/// Environment under construction: one value per name, emitted sorted by name (KAOS sorts to
/// keep its pod hash stable; we sort so plans compare and fingerprint deterministically).
class EnvBuilder {
 public:
  void set(std::string name, std::string value);
  void set(std::string name, std::optional<api::EnvVarSource> value_from);
  /// Sets `name` only when nothing set it yet (KAOS's "unless the user set it" defaults).
  void set_default(std::string name, std::string value);
  bool has(const std::string& name) const { return vars_.contains(name); }
  /// The user's corev1.EnvVar list, applied in order: a later entry replaces an earlier one
  /// and every entry replaces an operator-generated variable of the same name.
  void merge_user(const std::vector<api::EnvVar>& env);
  std::vector<EnvVarPlan> sorted() const;

 private:
  std::map<std::string, EnvVarPlan> vars_;
};

/// KAOS MergeTelemetryConfig: nullopt when telemetry is off (or configured nowhere).
std::optional<api::TelemetryConfig> effective_telemetry(const std::optional<api::TelemetryConfig>& component,
                                                        const PlanOptions& options);

/// KAOS BuildTelemetryEnvVars for agents and MCP servers (KAOS-REFERENCE §7.4).
void add_otel_env(EnvBuilder& env, const api::TelemetryConfig& telemetry, const std::string& service_name,
                  const std::string& ns);

/// The value of `key` in Secret `name` of namespace `ns` in the set: `stringData` first, then
/// base64 `data`. An error message (Waiting when the Secret is missing, Failed otherwise) when
/// it cannot be read.
struct SecretValue {
  std::optional<std::string> value;
  std::optional<std::string> waiting;
  std::optional<std::string> failure;
};
SecretValue read_secret_key(const SetIndex& index, const std::string& ns, const api::KeySelector& selector);

/// FNV-1a 64 over the fields that affect the running process, as 16 hex digits.
std::string fingerprint(const Workload& w);

/// The user's command for a workload that runs their own program: container.command then
/// container.args, with every "{port}" in them replaced by the port it must listen on.
std::vector<std::string> user_command(const api::ContainerOverride& container, std::uint16_t port);

/// Per-kind planners; each fills everything but the fingerprint.
Workload plan_modelapi(const api::ModelAPI& m, const SetIndex& index, const Addressing& addressing,
                       const PlanOptions& options);
Workload plan_mcpserver(const api::MCPServer& s, const Addressing& addressing, const PlanOptions& options);
Workload plan_agent(const api::Agent& a, const SetIndex& index, const Addressing& addressing,
                    const PlanOptions& options);
Workload plan_memorystore(const api::MemoryStore& m, const PlanOptions& options);
/// AccessGrant, ThirdPartyService: nothing runs; the entry says what they do here.
Workload plan_unmodelled(const api::GenericObject& g);

}  // namespace kaos::plan::detail
