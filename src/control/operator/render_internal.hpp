#pragma once
// Internals of the renderers (not part of render.hpp): what they read from a resource — only
// the fields that are the cluster's alone, never one the plan interprets — and shared helpers.
#include <optional>
#include <string>

#include "api/resource.hpp"
#include "core/json.hpp"
#include "plan/plan.hpp"

namespace kaos::control::operator_::detail {

/// `spec.podSpec` of an Agent, MCPServer or ModelAPI (nullptr when unset or another kind).
const json::object* pod_spec_override(const api::Resource& resource);
/// `spec.gatewayRoute.timeout` (empty when unset).
std::string gateway_route_timeout(const api::Resource& resource);
/// `spec.serviceAccountName` of an MCPServer (empty otherwise).
std::string service_account_name(const api::Resource& resource);
/// An Agent's `spec.agentNetwork.expose` (default true); true for every other kind.
bool exposed(const api::Resource& resource);

/// metadata {name, namespace, labels, ownerReferences (when the resource has a uid)}.
json::object child_metadata(const std::string& name, const plan::WorkloadRef& ref, const api::Resource& resource);

}  // namespace kaos::control::operator_::detail
