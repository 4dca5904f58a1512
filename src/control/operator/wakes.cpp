#include "control/operator/wakes.hpp"

#include <algorithm>

#include "control/operator/references.hpp"

namespace kaos::control::operator_ {

namespace {

std::string meta(const json::object& o, std::string_view field) {
  const auto* m = find_field(o, "metadata");
  if (!m || !m->is_object()) return {};
  return std::string(string_field(m->get_object(), field).value_or(""));
}

}  // namespace

const std::vector<std::string_view>& reconciled_kinds() {
  static const std::vector<std::string_view> kinds{"ModelAPI", "MCPServer", "Agent"};
  return kinds;
}

bool is_reconciled_kind(std::string_view kind) {
  const auto& k = reconciled_kinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

std::vector<std::string> agent_references(const json::object& agent) {
  std::vector<std::string> keys;
  auto resource = read_cluster_object(agent);
  if (!resource) return keys;  // an invalid Agent refers to nothing until it is fixed
  for (const auto& ref : referenced_resources(*resource)) keys.push_back(resource_key(ref));
  return keys;
}

std::string controlling_resource(const json::object& child) {
  const auto* m = find_field(child, "metadata");
  const auto* refs = m && m->is_object() ? find_field(m->get_object(), "ownerReferences") : nullptr;
  if (!refs || !refs->is_array()) return {};
  for (const auto& r : refs->get_array()) {
    if (!r.is_object()) continue;
    const auto& ref = r.get_object();
    const auto api_version = string_field(ref, "apiVersion").value_or("");
    if (!bool_field(ref, "controller").value_or(false) || !api_version.starts_with("kaos.tools/")) continue;
    const auto kind = string_field(ref, "kind").value_or("");
    if (!is_reconciled_kind(kind)) continue;
    return resource_key(kind, meta(child, "namespace"), string_field(ref, "name").value_or(""));
  }
  return {};
}

std::vector<std::string> keys_to_wake(std::string_view kind, const json::object& object,
                                      const k8s::ObjectCache& agents) {
  std::vector<std::string> keys;
  const std::string ns = meta(object, "namespace");
  const std::string name = meta(object, "name");
  if (is_reconciled_kind(kind)) keys.push_back(resource_key(kind, ns, name));
  if (is_reconciled_kind(kind) || kind == "MemoryStore") {
    for (const auto& agent : agents.keys_by_index(kReferencesIndex, resource_key(kind, ns, name))) {
      auto slash = agent.find('/');
      keys.push_back(resource_key("Agent", agent.substr(0, slash), agent.substr(slash + 1)));
    }
    return keys;
  }
  if (auto owner = controlling_resource(object); !owner.empty()) keys.push_back(std::move(owner));
  return keys;
}

}  // namespace kaos::control::operator_
