#pragma once
// Which reconciles a change wakes (KAOS's watches, delta file §2.1–§2.3): a resource wakes
// itself; a ModelAPI, MCPServer, MemoryStore or Agent also wakes the Agents in its namespace
// that refer to it (so a ModelAPI turning Ready wakes its Agents); a child (Deployment,
// Service, ConfigMap, HTTPRoute) wakes the KAOS resource that controls it.
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "k8s/object_cache.hpp"

namespace kaos::control::operator_ {

/// The kinds the operator reconciles, in the order their controllers start.
const std::vector<std::string_view>& reconciled_kinds();
bool is_reconciled_kind(std::string_view kind);

/// The Agent cache's index of references: resource_key of each resource an Agent refers to.
inline constexpr const char* kReferencesIndex = "references";
std::vector<std::string> agent_references(const json::object& agent);

/// Queue keys (resource_key: "Kind/namespace/name") a change of `object`, of kind `kind`, wakes.
/// `agents` is the Agent cache, indexed by kReferencesIndex.
std::vector<std::string> keys_to_wake(std::string_view kind, const json::object& object,
                                      const k8s::ObjectCache& agents);

/// The KAOS resource that controls a child (its controller ownerReference in kaos.tools), as a
/// queue key; empty when it has none.
std::string controlling_resource(const json::object& child);

}  // namespace kaos::control::operator_
