#include "k8s/event.hpp"

namespace kaos::k8s {

namespace {
constexpr std::size_t kMaxNote = 1024;  // events.k8s.io/v1 note limit

std::string field(const json::object& o, std::string_view key) {
  return std::string(string_field(o, key).value_or(""));
}
}  // namespace

json::object object_reference(const json::object& object) {
  json::object ref;
  ref["apiVersion"] = field(object, "apiVersion");
  ref["kind"] = field(object, "kind");
  if (const auto* m = find_field(object, "metadata"); m && m->is_object()) {
    const auto& meta = m->get_object();
    if (auto ns = string_field(meta, "namespace")) ref["namespace"] = *ns;
    ref["name"] = field(meta, "name");
    if (auto uid = string_field(meta, "uid")) ref["uid"] = *uid;
  }
  return ref;
}

json::object render_event(const EventSpec& spec, const std::string& suffix, const std::string& event_time) {
  std::string ns = field(spec.regarding, "namespace");
  if (ns.empty()) ns = "default";
  std::string note = spec.note.size() > kMaxNote ? spec.note.substr(0, kMaxNote) : spec.note;
  json::object event;
  event["apiVersion"] = "events.k8s.io/v1";
  event["kind"] = "Event";
  event["metadata"] = json::object{{"name", field(spec.regarding, "name") + "." + suffix}, {"namespace", ns}};
  event["eventTime"] = event_time;
  event["reportingController"] = spec.reporting_controller;
  event["reportingInstance"] = spec.reporting_instance;
  event["action"] = spec.action;
  event["reason"] = spec.reason;
  event["type"] = spec.type;
  event["note"] = note;
  event["regarding"] = spec.regarding;
  return event;
}

}  // namespace kaos::k8s
