#pragma once
// The agent's conversation memory: an event log per session (KAOS-REFERENCE §2.8). Backends:
// LocalMemory (in-process, bounded), NullMemory (MEMORY_ENABLED=false), RedisMemory (shared by
// replicas, survives restarts). The remote MemoryStore client will be one more backend.
//
// Contract for every backend: calls may run concurrently from any thread of the server's
// io_context; a backend that cannot reach its store returns an Error (code "io"/"timeout")
// and never throws — the agent then answers without memory and counts the failure.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/task.hpp"
#include "protocol/kaos/memory_event.hpp"

namespace kaos::agent {

/// One entry of a session's log: KAOS's wire type, stored and served as it is.
using MemoryEvent = protocol::kaos::MemoryEvent;
using MemoryEventType = protocol::kaos::MemoryEventType;

/// A new event with a fresh id ("event_<8 hex>") and the current time.
MemoryEvent make_event(MemoryEventType type, json::value content, json::object metadata = {});

/// Bounds a backend keeps (KAOS defaults: MEMORY_MAX_SESSIONS, MEMORY_MAX_SESSION_EVENTS; ours,
/// in bytes as event_bytes() counts them: MEMORY_MAX_SESSION_BYTES, MEMORY_MAX_TOTAL_BYTES).
/// LocalMemory keeps all four; RedisMemory the two counts.
struct MemoryLimits {
  std::size_t max_sessions = 1000;
  std::size_t max_session_events = 500;
  std::size_t max_session_bytes = 8 * 1024 * 1024;
  std::size_t max_total_bytes = 128 * 1024 * 1024;
};

/// What an event holds in memory, roughly: its strings (ids, keys, text) plus a fixed cost per
/// JSON node. An estimate that grows with the input, cheap to compute (no serialization).
std::size_t event_bytes(const MemoryEvent& e);

class Memory {
 public:
  virtual ~Memory() = default;
  /// "local", "null", "redis".
  virtual std::string_view kind() const = 0;
  /// False only for NullMemory: nothing is stored and nothing is replayed.
  virtual bool enabled() const { return true; }
  /// Appends events to a session, creating it; trims the session to max_session_events (oldest
  /// dropped) and, when a new session exceeds max_sessions, evicts the oldest sessions.
  virtual net::Task<Result<void>> append(std::string session_id, std::vector<MemoryEvent> events) = 0;
  /// The newest `limit` events, oldest first: of one session, or of every session (merged by
  /// timestamp) when `session_id` is nullopt. An unknown session gives an empty list.
  virtual net::Task<Result<std::vector<MemoryEvent>>> events(std::optional<std::string> session_id,
                                                             std::size_t limit) = 0;
  /// Session ids, most recently updated first.
  virtual net::Task<Result<std::vector<std::string>>> sessions() = 0;
};

}  // namespace kaos::agent
