#include "servers/agent/memory/memory.hpp"

#include "core/ids.hpp"

namespace kaos::agent {

MemoryEvent make_event(std::string event_type, json::value content, json::object metadata) {
  return MemoryEvent{random_id("event_", 8), iso8601_now(), std::move(event_type), std::move(content),
                     std::move(metadata)};
}

json::object to_json(const MemoryEvent& e) {
  json::object o;
  o["event_id"] = e.event_id;
  o["timestamp"] = e.timestamp;
  o["event_type"] = e.event_type;
  o["content"] = e.content;
  o["metadata"] = e.metadata;
  return o;
}

Result<MemoryEvent> memory_event_from_json(const json::value& v) {
  const auto* o = v.if_object();
  if (!o) return Error::invalid("memory event: expected a JSON object");
  MemoryEvent e;
  auto str = [&](std::string_view key, std::string& out) -> bool {
    const auto* f = o->if_contains(key);
    if (!f || !f->is_string()) return false;
    out = std::string(f->get_string());
    return true;
  };
  if (!str("event_id", e.event_id)) return Error::invalid("memory event: 'event_id' must be a string");
  if (!str("timestamp", e.timestamp)) return Error::invalid("memory event: 'timestamp' must be a string");
  if (!str("event_type", e.event_type)) return Error::invalid("memory event: 'event_type' must be a string");
  if (const auto* c = o->if_contains("content")) e.content = *c;
  if (const auto* m = o->if_contains("metadata")) {
    if (!m->is_object()) return Error::invalid("memory event: 'metadata' must be an object");
    e.metadata = m->get_object();
  }
  return e;
}

}  // namespace kaos::agent
