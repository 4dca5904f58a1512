#pragma once
// The Kubernetes resource types the operator reads and writes, by kind: the KAOS resources
// (kaos.tools/v1alpha1) and the children it creates. One table, so the controllers, the
// informers and the RBAC of `kaos install` name the same things.
#include <string_view>

#include "k8s/group_version.hpp"

namespace kaos::control::operator_ {

/// "Agent", "MCPServer", "ModelAPI", "MemoryStore" → kaos.tools/v1alpha1 agents, …
const k8s::ResourceType& kaos_resource_type(std::string_view kind);
/// "Deployment", "Service", "ConfigMap", "HTTPRoute" → apps/v1 deployments, v1 services, …
const k8s::ResourceType& child_resource_type(std::string_view kind);
/// events.k8s.io/v1 events.
const k8s::ResourceType& event_type();

}  // namespace kaos::control::operator_
