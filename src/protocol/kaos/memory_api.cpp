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
  b.events = r.list<MemoryEvent>(
      "events", [](const json::value& e, const std::string& path) { return parse_memory_event(e, path); });
  return r.finish(std::move(b));
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
  b.sessions = r.list<std::string>("sessions", detail::read_string);
  return r.finish(std::move(b));
}

}  // namespace kaos::protocol::kaos
