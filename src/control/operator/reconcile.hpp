#pragma once
// One reconcile of one Agent, MCPServer or ModelAPI, decided from the informers' caches: KAOS's
// controller logic (KAOS-REFERENCE §0; research/kaos-delta-2026-12.md §2.1–§2.3) as a pure
// function from what the cluster holds to what must be written. The controller
// (controller.hpp) performs the writes; keeping the decision pure makes every rule a unit
// test and makes "a no-op reconcile writes nothing" checkable without a server.
//
// The rules, in order:
// 1. Gone from the cache: nothing (owner references garbage-collect the children).
// 2. Being deleted: remove KAOS's finalizer; nothing else (KAOS does no cleanup).
// 3. No finalizer yet: add it (in the same pass, then go on).
// 4. Plan the resource with what it refers to (its ModelAPI, MCPServers, peers, MemoryStore)
//    as the cluster holds them, through the same plan as `kaos up`:
//    - the plan says Failed (unsupported model, custom runtime without image, …): status
//      Failed, no children written;
//    - a dependency is absent: Waiting "<Kind> <name> not found", requeue after 5 s;
//    - a dependency is not Ready (waitForDependencies): Waiting "… is not ready", no requeue
//      (the dependency's own change wakes this resource).
// 5. Render the children (ConfigMap, Deployment, Service, HTTPRoute) and write those the live
//    object does not already cover (a Deployment by its pod-spec-hash annotation, so only a
//    changed PodSpec rolls it); delete owned children that are no longer rendered.
// 6. Status from the owned Deployment: written only when it differs from the live status.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/operator/settings.hpp"
#include "core/json.hpp"
#include "k8s/object_cache.hpp"

namespace kaos::control::operator_ {

/// Read access to the informers' caches.
class ClusterView {
 public:
  virtual ~ClusterView() = default;
  /// A KAOS resource by kind ("Agent", "MCPServer", "ModelAPI", "MemoryStore") and
  /// "namespace/name"; null when the cluster has none.
  virtual k8s::ObjectPtr resource(std::string_view kind, const std::string& key) const = 0;
  /// A child by kind ("Deployment", "Service", "ConfigMap", "HTTPRoute") and "namespace/name".
  virtual k8s::ObjectPtr child(std::string_view kind, const std::string& key) const = 0;
};

struct ChildRef {
  std::string kind;  ///< "Deployment", "Service", "ConfigMap", "HTTPRoute"
  std::string namespace_;
  std::string name;
  bool operator==(const ChildRef&) const = default;
};

/// An event for `kubectl describe` (events.k8s.io/v1: type Normal|Warning, reason, note).
struct EventNote {
  std::string type;
  std::string reason;
  std::string message;
  bool operator==(const EventNote&) const = default;
};

struct ReconcileOutcome {
  /// The resource as this decision saw it (null when it is gone): the writes use its name,
  /// uid and resourceVersion, so they apply to the version decided on.
  k8s::ObjectPtr object;
  enum class Finalizer { unchanged, add, remove };
  Finalizer finalizer = Finalizer::unchanged;
  /// Children to server-side apply, in order (missing, or changed).
  std::vector<json::object> apply;
  /// Owned children no longer rendered.
  std::vector<ChildRef> remove;
  /// The new status, when it differs from the live one.
  std::optional<json::object> status;
  std::optional<std::chrono::milliseconds> requeue_after;
  std::vector<EventNote> events;
  /// True when the pass writes nothing at all.
  bool writes_nothing() const;
};

/// KAOS requeues a resource whose dependency does not exist after this long.
inline constexpr std::chrono::milliseconds kMissingDependencyRequeue{5'000};

/// Decides one reconcile of the resource `kind` (Agent, MCPServer, ModelAPI) at `key`
/// ("namespace/name"). `now` is RFC 3339 for condition transition times.
ReconcileOutcome reconcile_resource(std::string_view kind, const std::string& key, const ClusterView& view,
                                    const OperatorSettings& settings, const std::string& now);

/// The child a rendered object is (its kind, namespace, name).
ChildRef child_ref(const json::object& object);

/// What the cache keeps of a child to decide a no-op: the object without managedFields and,
/// for a Deployment, without its pod template's spec (the pod-spec-hash annotation stands for
/// it). The informers apply this as they store, which bounds the operator's memory.
json::object trim_child(json::object object);

}  // namespace kaos::control::operator_
