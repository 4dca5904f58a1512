#pragma once
// The local runtime's control API (`kaos up`'s supervisor, served on loopback; see
// src/control/local/control_api.hpp for the routes): its request and reply bodies as types, each
// with a serializer that writes exactly today's JSON (field order included: `kaos status -o json`
// users and the e2e tests read it) and a strict parser whose error names the bad field
// ("resources[2].ready: expected a boolean, got string").
//
// Requests (apply, delete) reject unknown fields; replies ignore fields they do not know, so a
// reader keeps working when the runtime adds one. The phase travels as its string
// (plan::to_string/parse_phase convert it: protocol depends on core only).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos::protocol::kaos {

/// One workload as GET /v1/status, /v1/resources[/{kind}] list it.
/// A Kubernetes-style condition, as KAOS writes them in status.conditions.
struct StatusCondition {
  std::string type;
  std::string status;  ///< "True", "False", "Unknown"
  std::string reason;
  std::string message;
  std::string last_transition_time;  ///< wire name lastTransitionTime (RFC 3339)
  bool operator==(const StatusCondition&) const = default;
};

struct ResourceStatus {
  std::string id;  ///< "agent/<ns>/<name>"
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string role;  ///< "agent", "mcp", "modelapi", "ollama", "custom"
  std::string phase;
  bool ready = false;
  std::string endpoint;  ///< "http://127.0.0.1:<port>", empty without a port
  std::string message;
  std::string reason;    ///< why the phase, one CamelCase word (plan's kReason…); written only when set
  std::int64_t pid = 0;  ///< 0 when no process runs
  std::int64_t restarts = 0;
  std::string started_at;  ///< ISO 8601, empty before the first start
  std::string log;         ///< path of the workload's log file
  /// KAOS's conditions beyond the phase (e.g. an agent's MemoryDegraded); written when any.
  std::vector<StatusCondition> conditions;
  bool operator==(const ResourceStatus&) const = default;
};
json::object resource_status_json(const ResourceStatus& s);
Result<ResourceStatus> parse_resource_status(const json::value& v);

/// GET /v1/resources and /v1/resources/{kind}: a bare array of statuses.
json::array resource_list_json(const std::vector<ResourceStatus>& list);
Result<std::vector<ResourceStatus>> parse_resource_list(const json::value& v);

/// GET /v1/status.
struct SupervisorSummary {
  std::int64_t pid = 0;
  std::string state_dir;
  bool operator==(const SupervisorSummary&) const = default;
};
struct StatusReply {
  SupervisorSummary supervisor;
  std::vector<ResourceStatus> resources;
  bool operator==(const StatusReply&) const = default;
};
json::object status_reply_json(const StatusReply& r);
Result<StatusReply> parse_status_reply(const json::value& v);

/// GET /v1/resources/{kind}/{ns}/{name}: the status plus the plan and recent events.
struct EnvEntry {
  std::string name;
  std::optional<std::string> value;       ///< a literal value (part of the manifests)
  std::optional<std::string> value_from;  ///< "secret NAME/KEY", "configmap NAME/KEY", "field": never the value
  bool operator==(const EnvEntry&) const = default;
};
struct ResourceEvent {
  std::string timestamp;  ///< ISO 8601
  std::string type;       ///< Started, Ready, NotReady, Exited, Restarting, Failed, Stopped, Configured
  std::string message;
  bool operator==(const ResourceEvent&) const = default;
};
struct ResourceDescription {
  ResourceStatus status;
  json::value spec;  ///< the resource's spec as applied (any JSON)
  std::vector<std::string> command;
  std::vector<EnvEntry> env;
  std::vector<std::string> dependencies;  ///< workload ids
  std::string fingerprint;
  std::vector<ResourceEvent> events;  ///< oldest first
  bool operator==(const ResourceDescription&) const = default;
};
json::object resource_description_json(const ResourceDescription& d);
Result<ResourceDescription> parse_resource_description(const json::value& v);

/// A manifest text as apply and delete take it.
struct Source {
  std::string name;  ///< file name, for messages; may be empty
  std::string text;
  bool operator==(const Source&) const = default;
};

/// POST /v1/apply. `prune`: resources missing from `sources` are stopped (kaos up).
struct ApplyRequest {
  std::vector<Source> sources;
  bool prune = false;
  bool operator==(const ApplyRequest&) const = default;
};
json::object apply_request_json(const ApplyRequest& r);
Result<ApplyRequest> parse_apply_request(const json::value& v);

/// 200 answer of POST /v1/apply: one action per workload ("created", "configured",
/// "unchanged", "deleted").
struct ApplyAction {
  std::string id;
  std::string action;
  bool operator==(const ApplyAction&) const = default;
};
struct ApplyReply {
  std::vector<ApplyAction> actions;
  bool operator==(const ApplyReply&) const = default;
};
json::object apply_reply_json(const ApplyReply& r);
Result<ApplyReply> parse_apply_reply(const json::value& v);

/// 422 answer of POST /v1/apply: the set was refused and nothing changed.
struct ApplyRejection {
  std::vector<std::string> errors;
  bool operator==(const ApplyRejection&) const = default;
};
json::object apply_rejection_json(const ApplyRejection& r);
Result<ApplyRejection> parse_apply_rejection(const json::value& v);

/// POST /v1/delete: the resources named by manifests, and/or by kind (any spelling the runtime
/// accepts: "agent", "mcp", "ModelAPI"...), namespace (default "default") and name.
struct ResourceKey {
  std::string kind;
  std::string namespace_ = "default";
  std::string name;
  bool operator==(const ResourceKey&) const = default;
};
struct DeleteRequest {
  std::optional<std::vector<Source>> sources;
  std::optional<std::vector<ResourceKey>> resources;
  bool operator==(const DeleteRequest&) const = default;
};
json::object delete_request_json(const DeleteRequest& r);
Result<DeleteRequest> parse_delete_request(const json::value& v);

/// 200 answer of POST /v1/delete: the ids removed (empty when nothing matched).
struct DeleteReply {
  std::vector<std::string> deleted;
  bool operator==(const DeleteReply&) const = default;
};
json::object delete_reply_json(const DeleteReply& r);
Result<DeleteReply> parse_delete_reply(const json::value& v);

/// Every other answer ({"detail": "..."}: 400, 401, 404, and 202 of POST /v1/shutdown), which the
/// control API writes with net::Response::detail, the one writer of that shape.
Result<std::string> parse_detail(const json::value& v);

}  // namespace kaos::protocol::kaos
