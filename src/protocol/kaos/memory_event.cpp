#include "protocol/kaos/memory_event.hpp"

#include "protocol/kaos/field_reader.hpp"

namespace kaos::protocol::kaos {

namespace {

// The payload of a content object: its name field (`tool`/`agent`) and one JSON value.
struct NamedPayload {
  std::string name;
  json::value payload;
};

json::object named_payload_json(std::string_view name_key, const std::string& name, std::string_view payload_key,
                                const json::value& payload) {
  json::object o;
  o[name_key] = name;
  o[payload_key] = payload;
  return o;
}

Result<NamedPayload> parse_named_payload(const json::value& v, std::string_view path, std::string_view name_key,
                                         std::string_view payload_key) {
  detail::FieldReader r(v, std::string(path));
  NamedPayload out{r.string(name_key), r.value(payload_key)};
  if (!r.ok()) return r.error();
  return out;
}

}  // namespace

std::string_view to_string(MemoryEventType type) {
  switch (type) {
    case MemoryEventType::user_message:
      return "user_message";
    case MemoryEventType::task_delegation_received:
      return "task_delegation_received";
    case MemoryEventType::agent_response:
      return "agent_response";
    case MemoryEventType::tool_call:
      return "tool_call";
    case MemoryEventType::tool_result:
      return "tool_result";
    case MemoryEventType::delegation_request:
      return "delegation_request";
    case MemoryEventType::delegation_response:
      return "delegation_response";
    case MemoryEventType::error:
      return "error";
  }
  return "error";  // unreachable: every enumerator is handled above
}

std::optional<MemoryEventType> parse_memory_event_type(std::string_view name) {
  for (auto type : kMemoryEventTypes)
    if (to_string(type) == name) return type;
  return std::nullopt;
}

json::object to_json(const MemoryEvent& e) {
  json::object o;
  o["event_id"] = e.event_id;
  o["timestamp"] = e.timestamp;
  o["event_type"] = to_string(e.event_type);
  o["content"] = e.content;
  o["metadata"] = e.metadata;
  return o;
}

Result<MemoryEvent> parse_memory_event(const json::value& v, std::string_view path) {
  detail::FieldReader r(v, std::string(path));
  MemoryEvent e;
  e.event_id = r.string("event_id");
  e.timestamp = r.string("timestamp");
  std::string type = r.string("event_type");
  if (r.ok()) {
    if (auto t = parse_memory_event_type(type)) {
      e.event_type = *t;
    } else {
      std::string known;
      for (auto known_type : kMemoryEventTypes) {
        if (!known.empty()) known += ", ";
        known += to_string(known_type);
      }
      r.fail_field("event_type", "unknown memory event type \"" + type + "\" (expected one of " + known + ")");
    }
  }
  e.content = r.value("content");
  e.metadata = r.optional_object("metadata");
  if (!r.ok()) return r.error();
  return e;
}

json::object to_json(const ToolCallContent& c) {
  return named_payload_json("tool", c.tool, "arguments", c.arguments);
}
json::object to_json(const ToolResultContent& c) {
  return named_payload_json("tool", c.tool, "result", c.result);
}
json::object to_json(const DelegationRequestContent& c) {
  return named_payload_json("agent", c.agent, "task", c.task);
}
json::object to_json(const DelegationResponseContent& c) {
  return named_payload_json("agent", c.agent, "response", c.response);
}

Result<ToolCallContent> parse_tool_call_content(const json::value& v, std::string_view path) {
  auto p = parse_named_payload(v, path, "tool", "arguments");
  if (!p) return p.error();
  return ToolCallContent{std::move(p->name), std::move(p->payload)};
}

Result<ToolResultContent> parse_tool_result_content(const json::value& v, std::string_view path) {
  auto p = parse_named_payload(v, path, "tool", "result");
  if (!p) return p.error();
  return ToolResultContent{std::move(p->name), std::move(p->payload)};
}

Result<DelegationRequestContent> parse_delegation_request_content(const json::value& v, std::string_view path) {
  auto p = parse_named_payload(v, path, "agent", "task");
  if (!p) return p.error();
  return DelegationRequestContent{std::move(p->name), std::move(p->payload)};
}

Result<DelegationResponseContent> parse_delegation_response_content(const json::value& v, std::string_view path) {
  auto p = parse_named_payload(v, path, "agent", "response");
  if (!p) return p.error();
  return DelegationResponseContent{std::move(p->name), std::move(p->payload)};
}

}  // namespace kaos::protocol::kaos
