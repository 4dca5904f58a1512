#include "control/operator/references.hpp"

#include "api/manifest.hpp"

namespace kaos::control::operator_ {

Result<api::Resource> read_cluster_object(const json::object& object) {
  api::ManifestEntry entry = api::validate_document(json::value(object));
  if (entry.resource && !entry.has_errors()) return std::move(*entry.resource);
  std::string message = entry.label() + " is invalid:";
  for (const auto& d : entry.diagnostics.items()) {
    if (d.severity == api::Severity::Error) message += "\n  " + d.to_string();
  }
  return Error::invalid(std::move(message));
}

std::vector<plan::WorkloadRef> referenced_resources(const api::Resource& resource) {
  std::vector<plan::WorkloadRef> refs;
  const auto* agent = std::get_if<api::Agent>(&resource);
  if (!agent) return refs;
  const std::string& ns = agent->metadata.namespace_;
  const auto& spec = agent->spec;
  if (!spec.model_api.empty()) refs.push_back({"ModelAPI", ns, spec.model_api});
  for (const auto& server : spec.mcp_servers) refs.push_back({"MCPServer", ns, server});
  if (spec.agent_network) {
    for (const auto& peer : spec.agent_network->access) refs.push_back({"Agent", ns, peer});
  }
  if (spec.config && spec.config->memory && !spec.config->memory->memory_store.empty()) {
    refs.push_back({"MemoryStore", ns, spec.config->memory->memory_store});
  }
  return refs;
}

std::string resource_key(std::string_view kind, std::string_view namespace_, std::string_view name) {
  std::string key;
  key.reserve(kind.size() + namespace_.size() + name.size() + 2);
  key.append(kind).append("/").append(namespace_).append("/").append(name);
  return key;
}

std::string resource_key(const plan::WorkloadRef& ref) {
  return resource_key(ref.kind, ref.namespace_, ref.name);
}

}  // namespace kaos::control::operator_
