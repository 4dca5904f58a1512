#pragma once
// What a KAOS resource refers to, as the controllers need it: the resources to plan it with,
// and the reverse index that wakes an Agent when its ModelAPI, MCPServer, MemoryStore or peer
// changes (KAOS's watches on dependencies).
#include <string>
#include <vector>

#include "api/resource.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "plan/plan.hpp"

namespace kaos::control::operator_ {

/// A cached object (as the API server returns it) read as a KAOS resource: defaulted and
/// validated exactly as `kaos apply` would read it. The error lists the findings.
Result<api::Resource> read_cluster_object(const json::object& object);

/// The resources `resource` refers to, in the same namespace: an Agent's ModelAPI, MCPServers,
/// peers (agentNetwork.access) and MemoryStore. Other kinds refer to nothing the operator plans.
std::vector<plan::WorkloadRef> referenced_resources(const api::Resource& resource);

/// "Kind/namespace/name": the key of a resource in the controllers' queue and indexes.
std::string resource_key(std::string_view kind, std::string_view namespace_, std::string_view name);
std::string resource_key(const plan::WorkloadRef& ref);

}  // namespace kaos::control::operator_
