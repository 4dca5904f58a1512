#include "servers/agent/memory/memory.hpp"

#include "core/ids.hpp"

namespace kaos::agent {

MemoryEvent make_event(MemoryEventType type, json::value content, json::object metadata) {
  return MemoryEvent{random_id("event_", 8), iso8601_now(), type, std::move(content), std::move(metadata)};
}

}  // namespace kaos::agent
