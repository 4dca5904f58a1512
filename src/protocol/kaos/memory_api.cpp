#include "protocol/kaos/memory_api.hpp"

#include <cstdlib>

#include "protocol/kaos/field_reader.hpp"

namespace kaos::protocol::kaos {

Result<MemoryEventsQuery> parse_memory_events_query(const std::optional<std::string>& limit,
                                                    const std::optional<std::string>& session_id) {
  MemoryEventsQuery q;
  if (limit) {
    // strtol as the agent has always read it: leading spaces and a sign are accepted.
    char* end = nullptr;
    long n = std::strtol(limit->c_str(), &end, 10);
    if (limit->empty() || *end != '\0' || n < 1 || n > static_cast<long>(kMaxMemoryEventsLimit))
      return Error::invalid("limit: expected an integer from 1 to " + std::to_string(kMaxMemoryEventsLimit));
    q.limit = static_cast<std::size_t>(n);
  }
  if (session_id && !session_id->empty()) q.session_id = *session_id;
  return q;
}

json::object to_json(const MemoryEventsBody& b) {
  json::array events;
  events.reserve(b.events.size());
  for (const auto& e : b.events) events.push_back(to_json(e));
  json::object o;
  o["agent"] = b.agent;
  o["total"] = events.size();
  o["events"] = std::move(events);
  return o;
}

Result<MemoryEventsBody> parse_memory_events_body(const json::value& v) {
  detail::FieldReader r(v, "");
  MemoryEventsBody b;
  b.agent = r.string("agent");
  r.non_negative_integer("total");
  const auto& events = r.array("events");
  b.events.reserve(events.size());
  for (std::size_t i = 0; i < events.size() && r.ok(); ++i) {
    auto e = parse_memory_event(events[i], detail::element_path("events", i));
    if (!e) {
      r.fail(e.error());
      break;
    }
    b.events.push_back(std::move(*e));
  }
  if (!r.ok()) return r.error();
  return b;
}

json::object to_json(const MemorySessionsBody& b) {
  json::array sessions;
  sessions.reserve(b.sessions.size());
  for (const auto& s : b.sessions) sessions.emplace_back(s);
  json::object o;
  o["agent"] = b.agent;
  o["total"] = sessions.size();
  o["sessions"] = std::move(sessions);
  return o;
}

Result<MemorySessionsBody> parse_memory_sessions_body(const json::value& v) {
  detail::FieldReader r(v, "");
  MemorySessionsBody b;
  b.agent = r.string("agent");
  r.non_negative_integer("total");
  const auto& sessions = r.array("sessions");
  b.sessions.reserve(sessions.size());
  for (std::size_t i = 0; i < sessions.size() && r.ok(); ++i) {
    if (!sessions[i].is_string()) {
      r.fail(Error::invalid(detail::element_path("sessions", i) + ": expected a string, got " +
                            std::string(json_kind_name(sessions[i]))));
      break;
    }
    b.sessions.emplace_back(sessions[i].get_string());
  }
  if (!r.ok()) return r.error();
  return b;
}

}  // namespace kaos::protocol::kaos
