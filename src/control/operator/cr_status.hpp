#pragma once
// The `status` the operator writes on an Agent, MCPServer or ModelAPI (KAOS-REFERENCE §0 and
// the delta file §2): phase, ready, endpoint, message, the owned Deployment's status copied,
// observedGeneration and conditions, plus ModelAPI `supportedModels` and Agent
// `linkedResources`. Pure: the caller passes the previous conditions and the time, so an
// unchanged status renders byte for byte the same and a no-op reconcile writes nothing.
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "plan/status.hpp"

namespace kaos::control::operator_ {

/// KAOS's phase from the owned Deployment (none yet: Pending): Ready when readyReplicas > 0,
/// else Pending; message "Deployment ready replicas: <ready>/<replicas>".
plan::WorkloadStatus status_from_deployment(const json::object* deployment, std::string endpoint);

struct StatusInputs {
  plan::WorkloadStatus status;               ///< phase, ready, endpoint, message, reason, extra conditions
  std::int64_t generation = 0;               ///< metadata.generation of the resource: observedGeneration
  const json::object* deployment = nullptr;  ///< the live owned Deployment, when it exists
  std::optional<std::vector<std::string>> supported_models;  ///< ModelAPI
  std::optional<json::object> linked_resources;              ///< Agent: {"modelapi": …, "mcpservers": […], …}
};

/// The status object. `previous` is the resource's current status (for condition transition
/// times: a condition whose status did not change keeps its lastTransitionTime); `now` is
/// RFC 3339 (seconds) for conditions that changed.
json::object render_cr_status(const StatusInputs& in, const json::object* previous, const std::string& now);

/// RFC 3339 in whole seconds, UTC: "2026-12-07T21:30:00Z" (metav1.Time).
std::string rfc3339_seconds(std::chrono::system_clock::time_point t);

}  // namespace kaos::control::operator_
