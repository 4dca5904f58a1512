// Control-API replies about workloads: status, list, status reply, description (control.hpp).
#include "protocol/kaos/control.hpp"
#include "protocol/kaos/field_reader.hpp"

namespace kaos::protocol::kaos {

using detail::FieldReader;
using detail::read_string;
using detail::strings_json;

namespace {

Result<StatusCondition> read_condition(const json::value& v, const std::string& path) {
  FieldReader f(v, path);
  StatusCondition c;
  c.type = f.string("type");
  c.status = f.string("status");
  c.reason = f.optional_string("reason").value_or("");
  c.message = f.optional_string("message").value_or("");
  c.last_transition_time = f.optional_string("lastTransitionTime").value_or("");
  return f.finish(std::move(c));
}

json::object condition_json(const StatusCondition& c) {
  json::object o;
  o["type"] = c.type;
  o["status"] = c.status;
  o["reason"] = c.reason;
  o["message"] = c.message;
  o["lastTransitionTime"] = c.last_transition_time;
  return o;
}

Result<ResourceStatus> read_resource_status(const json::value& v, const std::string& path) {
  FieldReader f(v, path);
  ResourceStatus s;
  s.id = f.string("id");
  s.kind = f.string("kind");
  s.namespace_ = f.string("namespace");
  s.name = f.string("name");
  s.role = f.string("role");
  s.phase = f.string("phase");
  s.ready = f.boolean("ready");
  s.endpoint = f.string("endpoint");
  s.message = f.string("message");
  s.reason = f.optional_string("reason").value_or("");
  s.pid = f.integer("pid");
  s.restarts = f.integer("restarts");
  s.started_at = f.string("started_at");
  s.log = f.string("log");
  s.conditions = f.list<StatusCondition>("conditions", read_condition, /*required=*/false);
  return f.finish(std::move(s));
}

void write_resource_status(json::object& o, const ResourceStatus& s) {
  o["id"] = s.id;
  o["kind"] = s.kind;
  o["namespace"] = s.namespace_;
  o["name"] = s.name;
  o["role"] = s.role;
  o["phase"] = s.phase;
  o["ready"] = s.ready;
  o["endpoint"] = s.endpoint;
  o["message"] = s.message;
  if (!s.reason.empty()) o["reason"] = s.reason;
  o["pid"] = s.pid;
  o["restarts"] = s.restarts;
  o["started_at"] = s.started_at;
  o["log"] = s.log;
  if (!s.conditions.empty()) {
    json::array a;
    for (const auto& c : s.conditions) a.push_back(condition_json(c));
    o["conditions"] = std::move(a);
  }
}

}  // namespace

json::object resource_status_json(const ResourceStatus& s) {
  json::object o;
  write_resource_status(o, s);
  return o;
}

Result<ResourceStatus> parse_resource_status(const json::value& v) {
  return read_resource_status(v, "");
}

json::array resource_list_json(const std::vector<ResourceStatus>& list) {
  json::array a;
  for (const auto& s : list) a.push_back(resource_status_json(s));
  return a;
}

Result<std::vector<ResourceStatus>> parse_resource_list(const json::value& v) {
  if (!v.is_array()) return Error::invalid("body: expected an array, got " + std::string(json_kind_name(v)));
  std::vector<ResourceStatus> out;
  const auto& a = v.get_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto s = read_resource_status(a[i], "[" + std::to_string(i) + "]");
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  return out;
}

json::object status_reply_json(const StatusReply& r) {
  json::object sup;
  sup["pid"] = r.supervisor.pid;
  sup["state_dir"] = r.supervisor.state_dir;
  json::object o;
  o["supervisor"] = std::move(sup);
  o["resources"] = resource_list_json(r.resources);
  return o;
}

Result<StatusReply> parse_status_reply(const json::value& v) {
  FieldReader f(v, "");
  StatusReply r;
  if (const auto* sup = f.raw("supervisor", true, "an object")) {
    FieldReader s(*sup, "supervisor");
    r.supervisor.pid = s.integer("pid");
    r.supervisor.state_dir = s.string("state_dir");
    if (!s.ok()) f.fail(s.error());
  }
  r.resources = f.list<ResourceStatus>("resources", read_resource_status);
  return f.finish(std::move(r));
}

json::object resource_description_json(const ResourceDescription& d) {
  json::object o;
  write_resource_status(o, d.status);
  o["spec"] = d.spec;
  o["command"] = strings_json(d.command);
  json::array env;
  for (const auto& e : d.env) {
    json::object v;
    v["name"] = e.name;
    if (e.value_from)
      v["valueFrom"] = *e.value_from;
    else
      v["value"] = e.value.value_or("");
    env.push_back(std::move(v));
  }
  o["env"] = std::move(env);
  o["dependencies"] = strings_json(d.dependencies);
  o["fingerprint"] = d.fingerprint;
  json::array events;
  for (const auto& e : d.events) {
    json::object ev;
    ev["timestamp"] = e.timestamp;
    ev["type"] = e.type;
    ev["message"] = e.message;
    events.push_back(std::move(ev));
  }
  o["events"] = std::move(events);
  return o;
}

Result<ResourceDescription> parse_resource_description(const json::value& v) {
  auto status = read_resource_status(v, "");
  if (!status) return status.error();
  FieldReader f(v, "");
  ResourceDescription d;
  d.status = std::move(*status);
  if (const auto* spec = f.raw("spec", false, "an object")) d.spec = *spec;
  d.command = f.list<std::string>("command", read_string);
  d.env = f.list<EnvEntry>("env", [](const json::value& item, const std::string& path) -> Result<EnvEntry> {
    FieldReader e(item, path);
    EnvEntry entry;
    entry.name = e.string("name");
    entry.value = e.optional_string("value");
    entry.value_from = e.optional_string("valueFrom");
    if (e.ok() && entry.value.has_value() == entry.value_from.has_value())
      e.fail(Error::invalid(path + ": expected exactly one of value and valueFrom"));
    return e.finish(std::move(entry));
  });
  d.dependencies = f.list<std::string>("dependencies", read_string);
  d.fingerprint = f.string("fingerprint");
  d.events = f.list<ResourceEvent>("events", [](const json::value& item, const std::string& path) {
    FieldReader e(item, path);
    ResourceEvent ev;
    ev.timestamp = e.string("timestamp");
    ev.type = e.string("type");
    ev.message = e.string("message");
    return e.finish(std::move(ev));
  });
  return f.finish(std::move(d));
}

}  // namespace kaos::protocol::kaos
