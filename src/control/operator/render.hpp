#pragma once
// The renderers: a plan's workloads → the Kubernetes objects KAOS's operator creates for them
// (KAOS-REFERENCE §0, §1.1–§1.3, §7.1; research/kaos-delta-2026-12.md §2). The controllers and
// `kaos render` call the same functions; the plan (src/plan) is the one interpretation of a
// resource, and nothing here re-reads a spec field the plan already interpreted. The renderers
// read from the resource only what is the cluster's alone: uid (owner references),
// `spec.podSpec`, `spec.serviceAccountName`, `spec.agentNetwork.expose` and
// `spec.gatewayRoute.timeout`.
//
// Pure: no I/O, no clock, no environment. Objects are boost::json objects with keys in a fixed
// order, so equal inputs render byte-identical JSON.
#include <optional>
#include <string>
#include <vector>

#include "api/resource.hpp"
#include "control/operator/settings.hpp"
#include "core/json.hpp"
#include "plan/plan.hpp"

namespace kaos::control::operator_ {

/// The ownerReference of a resource's children (apiVersion kaos.tools/v1alpha1, kind, name,
/// uid, controller true, blockOwnerDeletion true); nullopt when the resource has no
/// `metadata.uid` (`kaos render` of files that were never applied).
std::optional<json::object> owner_reference(const api::Resource& resource);

/// KAOS's labels of a workload's children and its pods: app=<prefix>, <prefix>=<name>.
json::object workload_labels(const plan::WorkloadRef& ref);

/// The final PodSpec of a workload: the base (container named per kind, port `http`, env,
/// probes, files mounted from their ConfigMap, the Hosted ModelAPI's pull-model init container
/// and `ollama-data` volume, the MCPServer's serviceAccountName), then the plan's
/// `container_override` strategic-merged onto the workload container, then the resource's
/// `spec.podSpec` strategic-merged on top (KAOS's order). Precondition: `w.failure` is unset.
/// `settings` is not read yet; it is there for cluster-wide pod settings (security posture).
json::object render_pod_spec(const plan::Workload& w, const api::Resource& resource, const OperatorSettings& settings);

/// The first 16 hex digits of sha256 of the PodSpec's canonical JSON (object keys sorted,
/// compact): the value of the `kaos.tools/pod-spec-hash` pod-template annotation.
std::string pod_spec_hash(const json::object& pod_spec);

/// Deployment `<prefix>-<name>` (apps/v1): replicas 1, KAOS's labels and selector, the pod
/// template with render_pod_spec and its hash annotation, owner reference when the resource
/// has a uid. Precondition: `w.failure` is unset.
json::object render_deployment(const plan::Workload& w, const api::Resource& resource,
                               const OperatorSettings& settings);

/// Service `<prefix>-<name>` (ClusterIP, port `http` = the workload's port → the same target
/// port, selector KAOS's labels). nullopt for an Agent with `agentNetwork.expose: false`.
std::optional<json::object> render_service(const plan::Workload& w, const api::Resource& resource);

/// The ConfigMap holding the workload's `files` (a Proxy ModelAPI: `litellm-config-<name>`,
/// key config.yaml); nullopt when the workload has no files. files_mount_path() says where the
/// pod mounts it; `{files}` in the command is replaced by that path.
std::optional<json::object> render_files_config_map(const plan::Workload& w, const api::Resource& resource);

/// HTTPRoute `<type>-<name>` (gateway.networking.k8s.io/v1, §7.1): parentRef the gateway,
/// PathPrefix `/<ns>/<type>/<name>` rewritten to `/`, header `x-kaos-target-resource` set to the
/// logical id, backend the Service, `timeouts.request` from `spec.gatewayRoute.timeout` or the
/// kind's default ("0s": no timeouts, the gateway's default). nullopt when the Gateway API is
/// disabled or the workload has no Service.
std::optional<json::object> render_http_route(const plan::Workload& w, const api::Resource& resource,
                                              const OperatorSettings& settings);

/// The objects of one workload, or why there are none.
struct RenderedWorkload {
  plan::WorkloadRef ref;
  /// In apply order: ConfigMap, Deployment, Service, HTTPRoute (those that apply). Empty when
  /// `not_rendered` is set.
  std::vector<json::object> objects;
  /// The plan's failure (the workload cannot run: nothing is rendered), e.g. a custom MCP
  /// runtime without an image, an unsupported model, a MemoryStore (runs nothing yet).
  std::optional<std::string> not_rendered;
  /// The plan's waiting message: rendered all the same (a dependency absent from the set may
  /// exist in the cluster), but what it would have contributed (e.g. MODEL_API_URL) is missing.
  std::optional<std::string> waiting;
};

/// One workload's objects (not_rendered when the plan marks it Failed).
RenderedWorkload render_workload(const plan::Workload& w, const api::Resource& resource,
                                 const OperatorSettings& settings);

struct RenderedSet {
  /// Every KAOS resource of the set, in the plan's order (plan::workload_kinds(), then
  /// namespace/name): deterministic.
  std::vector<RenderedWorkload> workloads;
  /// All rendered objects, workload by workload.
  std::vector<json::object> objects() const;
};

/// Plans `resources` with cluster_addressing and plan_options(settings), and renders every
/// workload. Objects that are not KAOS resources (Namespace, Secret, ...) are not echoed.
RenderedSet render_resources(const std::vector<api::Resource>& resources, const OperatorSettings& settings);

}  // namespace kaos::control::operator_
