#include "servers/agent/memory/memory.hpp"

#include "core/ids.hpp"

namespace kaos::agent {

MemoryEvent make_event(MemoryEventType type, json::value content, json::object metadata) {
  return MemoryEvent{random_id("event_", 8), iso8601_now(), type, std::move(content), std::move(metadata)};
}

namespace {

// Per node: a json::value (16 bytes) plus allocator and container bookkeeping.
constexpr std::size_t kNodeBytes = 32;

std::size_t value_bytes(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return kNodeBytes + v.get_string().size();
    case json::kind::array: {
      std::size_t n = kNodeBytes;
      for (const auto& x : v.get_array()) n += value_bytes(x);
      return n;
    }
    case json::kind::object: {
      std::size_t n = kNodeBytes;
      for (const auto& kv : v.get_object()) n += kNodeBytes + kv.key().size() + value_bytes(kv.value());
      return n;
    }
    default:
      return kNodeBytes;
  }
}

}  // namespace

std::size_t event_bytes(const MemoryEvent& e) {
  std::size_t n = sizeof(MemoryEvent) + e.event_id.size() + e.timestamp.size() + value_bytes(e.content);
  for (const auto& kv : e.metadata) n += kNodeBytes + kv.key().size() + value_bytes(kv.value());
  return n;
}

}  // namespace kaos::agent
