#include "control/operator/cr_status.hpp"

#include <fmt/format.h>
#include <ctime>

namespace kaos::control::operator_ {

namespace {

std::int64_t int_or(const json::object& o, std::string_view key) {
  return int_field(o, key).value_or(0);
}

const json::object* object_at(const json::object* o, std::string_view key) {
  if (!o) return nullptr;
  const auto* v = find_field(*o, key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// The fields of a Deployment's status KAOS copies (pkg/util/deployment_status.go).
json::object deployment_summary(const json::object& deployment_status) {
  json::object out;
  for (const char* key : {"replicas", "readyReplicas", "availableReplicas", "updatedReplicas"}) {
    out[key] = int_or(deployment_status, key);
  }
  if (const auto* c = find_field(deployment_status, "conditions"); c && c->is_array()) out["conditions"] = *c;
  return out;
}

std::string previous_transition(const json::object* previous, const plan::Condition& c) {
  const auto* list = previous ? find_field(*previous, "conditions") : nullptr;
  if (!list || !list->is_array()) return {};
  for (const auto& item : list->get_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.get_object();
    if (string_field(o, "type") == c.type && string_field(o, "status") == c.status) {
      return std::string(string_field(o, "lastTransitionTime").value_or(""));
    }
  }
  return {};
}

json::object condition_json(const plan::Condition& c, const json::object* previous, const std::string& now) {
  std::string since = previous_transition(previous, c);
  if (since.empty()) since = c.last_transition_time.empty() ? now : c.last_transition_time;
  json::object o;
  o["type"] = c.type;
  o["status"] = c.status;
  o["reason"] = c.reason.empty() ? std::string("Unknown") : c.reason;
  o["message"] = c.message;
  o["lastTransitionTime"] = since;
  return o;
}

// Ready: True when ready; its reason is the status reason, else the phase.
plan::Condition ready_condition(const plan::WorkloadStatus& s) {
  return plan::Condition{"Ready", s.ready ? "True" : "False",
                         s.reason.empty() ? std::string(plan::to_string(s.phase)) : s.reason, s.message, ""};
}

}  // namespace

plan::WorkloadStatus status_from_deployment(const json::object* deployment, std::string endpoint) {
  plan::WorkloadStatus s;
  s.endpoint = std::move(endpoint);
  const auto* status = object_at(deployment, "status");
  const auto* spec = object_at(deployment, "spec");
  const std::int64_t ready = status ? int_or(*status, "readyReplicas") : 0;
  const std::int64_t replicas = spec ? int_field(*spec, "replicas").value_or(1) : 1;
  s.ready = ready > 0;
  s.phase = s.ready ? plan::Phase::Ready : plan::Phase::Pending;
  s.message = fmt::format("Deployment ready replicas: {}/{}", ready, replicas);
  return s;
}

json::object render_cr_status(const StatusInputs& in, const json::object* previous, const std::string& now) {
  const auto& s = in.status;
  json::object out;
  out["phase"] = std::string(plan::to_string(s.phase));
  out["ready"] = s.ready;
  if (!s.endpoint.empty()) out["endpoint"] = s.endpoint;
  out["message"] = s.message;
  if (const auto* status = object_at(in.deployment, "status")) out["deployment"] = deployment_summary(*status);
  out["observedGeneration"] = in.generation;
  json::array conditions;
  conditions.push_back(condition_json(ready_condition(s), previous, now));
  for (const auto& c : s.conditions) conditions.push_back(condition_json(c, previous, now));
  out["conditions"] = std::move(conditions);
  if (in.supported_models) {
    json::array models;
    for (const auto& m : *in.supported_models) models.push_back(json::value(m));
    out["supportedModels"] = std::move(models);
  }
  if (in.linked_resources) out["linkedResources"] = *in.linked_resources;
  return out;
}

std::string rfc3339_seconds(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

}  // namespace kaos::control::operator_
