#include "control/local/control_wire.hpp"

#include <fmt/format.h>

namespace kaos::local {

namespace wire = protocol::kaos;

wire::ResourceStatus wire_status(const WorkloadReport& r) {
  wire::ResourceStatus s;
  s.id = r.ref.id();
  s.kind = r.ref.kind;
  s.namespace_ = r.ref.namespace_;
  s.name = r.ref.name;
  s.role = r.role;
  s.phase = std::string(plan::to_string(r.status.phase));
  s.ready = r.status.ready;
  s.endpoint = r.status.endpoint;
  s.message = r.status.message;
  s.reason = r.status.reason;
  s.pid = r.pid;
  s.restarts = r.status.restarts;
  s.started_at = r.started_at;
  s.log = r.log_file;
  for (const auto& c : r.status.conditions)
    s.conditions.push_back({c.type, c.status, c.reason, c.message, c.last_transition_time});
  return s;
}

namespace {
// Referenced values (secrets) are never shown; literal ones are part of the manifests.
wire::EnvEntry wire_env(const plan::EnvVarPlan& e) {
  wire::EnvEntry out;
  out.name = e.name;
  if (!e.value_from) {
    out.value = e.value;
  } else if (const auto& src = *e.value_from; src.secret_key_ref) {
    out.value_from = fmt::format("secret {}/{}", src.secret_key_ref->name, src.secret_key_ref->key);
  } else if (src.config_map_key_ref) {
    out.value_from = fmt::format("configmap {}/{}", src.config_map_key_ref->name, src.config_map_key_ref->key);
  } else {
    out.value_from = "field";
  }
  return out;
}
}  // namespace

wire::ResourceDescription wire_description(const WorkloadDescription& d) {
  wire::ResourceDescription out;
  out.status = wire_status(d.report);
  out.spec = d.spec;
  out.command = d.plan.command;
  for (const auto& e : d.plan.env) out.env.push_back(wire_env(e));
  for (const auto& dep : d.plan.dependencies) out.dependencies.push_back(dep.id());
  out.fingerprint = d.plan.fingerprint;
  for (const auto& e : d.events) out.events.push_back({e.timestamp, e.type, e.message});
  return out;
}

}  // namespace kaos::local
