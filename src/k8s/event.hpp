#pragma once
// An events.k8s.io/v1 Event about an object, what `kubectl describe` and `kubectl events` show.
// The required fields of that API (eventTime, reportingController, reportingInstance, action,
// reason, type) are always set; the note is cut to the API's 1 KiB limit.
#include <string>

#include "core/json.hpp"

namespace kaos::k8s {

struct EventSpec {
  json::object regarding;            ///< an ObjectReference: apiVersion, kind, namespace, name, uid
  std::string type;                  ///< "Normal" or "Warning"
  std::string reason;                ///< CamelCase, e.g. "Waiting", "DependencyNotReady"
  std::string action;                ///< what the controller did, e.g. "Reconcile"
  std::string note;                  ///< the human message
  std::string reporting_controller;  ///< e.g. "kaos.tools/kaos-operator"
  std::string reporting_instance;    ///< the operator's identity (pod name)
};

/// The Event object, named `<regarding name>.<suffix>` (the suffix makes it unique; callers
/// pass random hex) in the regarding object's namespace (or "default" for cluster objects),
/// at `event_time` (MicroTime text).
json::object render_event(const EventSpec& spec, const std::string& suffix, const std::string& event_time);

/// The ObjectReference of an object (apiVersion, kind, namespace, name, uid).
json::object object_reference(const json::object& object);

}  // namespace kaos::k8s
