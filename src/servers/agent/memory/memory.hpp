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

namespace kaos::agent {

/// One entry of a session's log. JSON: {"event_id","timestamp","event_type","content","metadata"}.
struct MemoryEvent {
  std::string event_id;    ///< "event_<8 hex>"
  std::string timestamp;   ///< ISO 8601 UTC with microseconds, e.g. 2026-11-24T09:30:00.123456Z
  std::string event_type;  ///< user_message, task_delegation_received, agent_response, tool_call,
                           ///< tool_result, delegation_request, delegation_response, error
  json::value content;     ///< a string, or an object for tool_call {tool, arguments} / tool_result {tool, result}
  json::object metadata;
};

/// A new event with a fresh id and the current time.
MemoryEvent make_event(std::string event_type, json::value content, json::object metadata = {});
using ::kaos::to_json;  // the MemoryEvent overload must not hide the JSON one
json::object to_json(const MemoryEvent& e);
/// Parses what to_json wrote; an error names the missing or mistyped field.
Result<MemoryEvent> memory_event_from_json(const json::value& v);

/// Bounds a backend keeps (KAOS defaults: MEMORY_MAX_SESSIONS, MEMORY_MAX_SESSION_EVENTS).
struct MemoryLimits {
  std::size_t max_sessions = 1000;
  std::size_t max_session_events = 500;
};

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
