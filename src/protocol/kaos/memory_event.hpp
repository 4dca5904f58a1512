#pragma once
// The agent's memory event (KAOS-REFERENCE §2.8): one entry of a session's log, as the agent
// serves it on GET /memory/events, stores it in Redis (KAOS's legacy RedisMemory layout) and
// the CLI and dashboard read it. Wire strings are KAOS's.
//
//   {"event_id":"event_1a2b3c4d","timestamp":"2026-01-01T10:00:00.000000Z",
//    "event_type":"tool_call","content":{"tool":"add","arguments":{"a":2,"b":3}},"metadata":{}}
//
// `content` is a string for the conversation types and `error`, and an object for the tool
// and delegation types; the *Content structs below are those objects.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos::protocol::kaos {

using ::kaos::to_json;  // the overloads below must not hide the serializing one

/// What a memory event records.
enum class MemoryEventType {
  user_message,              ///< a user's prompt; content: string
  task_delegation_received,  ///< a prompt delegated by a peer agent; content: string
  agent_response,            ///< the run's answer; content: string
  tool_call,                 ///< content: ToolCallContent
  tool_result,               ///< content: ToolResultContent
  delegation_request,        ///< a delegation to a peer; content: DelegationRequestContent
  delegation_response,       ///< the peer's answer; content: DelegationResponseContent
  error,                     ///< a run that failed; content: string (the reason)
};

/// Every type, in declaration order.
inline constexpr std::array kMemoryEventTypes{
    MemoryEventType::user_message,        MemoryEventType::task_delegation_received,
    MemoryEventType::agent_response,      MemoryEventType::tool_call,
    MemoryEventType::tool_result,         MemoryEventType::delegation_request,
    MemoryEventType::delegation_response, MemoryEventType::error,
};

/// The wire string: "user_message", "tool_call", ...
std::string_view to_string(MemoryEventType type);
/// The type a wire string names; nullopt for anything else (exact, case-sensitive).
std::optional<MemoryEventType> parse_memory_event_type(std::string_view name);

struct MemoryEvent {
  std::string event_id;   ///< "event_<8 hex>"
  std::string timestamp;  ///< ISO 8601 UTC with microseconds, e.g. 2026-11-24T09:30:00.123456Z
  MemoryEventType event_type = MemoryEventType::user_message;
  json::value content;  ///< see MemoryEventType
  json::object metadata;
};

/// {"event_id","timestamp","event_type","content","metadata"}, in that order.
json::object to_json(const MemoryEvent& e);
/// Strict: event_id, timestamp and event_type are required strings and event_type a known
/// type; content may be any JSON (absent: null); metadata an object (absent: empty). `path`
/// names the event in error messages ("events[3]"); errors are Error::invalid.
Result<MemoryEvent> parse_memory_event(const json::value& v, std::string_view path = {});

// ---- content objects ------------------------------------------------------------------
// Each to_json writes the fields in the order shown; each parse requires the name field
// (`tool`, `agent`) as a string and takes the payload as any JSON (absent: null). `path`
// names the content in messages, e.g. "events[3].content".

/// tool_call: {"tool","arguments"} — arguments as the model gave them (an object when they parsed).
struct ToolCallContent {
  std::string tool;
  json::value arguments;
};
/// tool_result: {"tool","result"} — the text the model was given.
struct ToolResultContent {
  std::string tool;
  json::value result;
};
/// delegation_request: {"agent","task"}.
struct DelegationRequestContent {
  std::string agent;
  json::value task;
};
/// delegation_response: {"agent","response"}.
struct DelegationResponseContent {
  std::string agent;
  json::value response;
};

json::object to_json(const ToolCallContent& c);
json::object to_json(const ToolResultContent& c);
json::object to_json(const DelegationRequestContent& c);
json::object to_json(const DelegationResponseContent& c);
Result<ToolCallContent> parse_tool_call_content(const json::value& v, std::string_view path = "content");
Result<ToolResultContent> parse_tool_result_content(const json::value& v, std::string_view path = "content");
Result<DelegationRequestContent> parse_delegation_request_content(const json::value& v,
                                                                  std::string_view path = "content");
Result<DelegationResponseContent> parse_delegation_response_content(const json::value& v,
                                                                    std::string_view path = "content");

}  // namespace kaos::protocol::kaos
