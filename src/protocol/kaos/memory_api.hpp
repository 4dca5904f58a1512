#pragma once
// The agent's memory endpoints (KAOS-REFERENCE §2.2), served by `kaos agent` and read by
// `kaos memory` and the dashboard:
//
//   GET /memory/events?session_id=&limit=  → {"agent","total","events":[MemoryEvent]}
//   GET /memory/sessions                   → {"agent","total","sessions":[ids]}
//
// Errors are KAOS's {"detail": "..."}: 422 for a bad `limit`, 503 when the store is down.
// (KAOS's docs list the keys as agent, events, total; JSON key order carries no meaning, and
// ours is the order our agent has always written.)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "protocol/kaos/memory_event.hpp"

namespace kaos::protocol::kaos {

inline constexpr std::string_view kMemoryEventsPath = "/memory/events";
inline constexpr std::string_view kMemorySessionsPath = "/memory/sessions";
/// `limit` when none is given, and the largest accepted.
inline constexpr std::size_t kDefaultMemoryEventsLimit = 100;
inline constexpr std::size_t kMaxMemoryEventsLimit = 1000;

/// The query of GET /memory/events.
struct MemoryEventsQuery {
  std::optional<std::string> session_id;  ///< nullopt: every session
  std::size_t limit = kDefaultMemoryEventsLimit;
};

/// From the raw query parameters (nullopt when absent). `limit` must be a decimal integer from
/// 1 to 1000, else Error::invalid "limit: expected an integer from 1 to 1000" (answered 422);
/// an empty `session_id` means every session.
Result<MemoryEventsQuery> parse_memory_events_query(const std::optional<std::string>& limit,
                                                    const std::optional<std::string>& session_id);

/// 200 answer of GET /memory/events: the newest events, oldest first.
struct MemoryEventsBody {
  std::string agent;  ///< AGENT_NAME
  std::vector<MemoryEvent> events;
};
/// {"agent","total","events"}; total is events.size().
json::object to_json(const MemoryEventsBody& b);
/// Strict: agent a string, total a non-negative integer (not compared with the list), events
/// an array of valid MemoryEvents. The error names the field ("events[2].event_type: ...").
Result<MemoryEventsBody> parse_memory_events_body(const json::value& v);

/// 200 answer of GET /memory/sessions.
struct MemorySessionsBody {
  std::string agent;
  std::vector<std::string> sessions;  ///< most recently updated first
};
/// {"agent","total","sessions"}; total is sessions.size().
json::object to_json(const MemorySessionsBody& b);
/// Strict: agent a string, total a non-negative integer, sessions an array of strings.
Result<MemorySessionsBody> parse_memory_sessions_body(const json::value& v);

}  // namespace kaos::protocol::kaos
