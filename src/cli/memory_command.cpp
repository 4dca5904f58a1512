// `kaos memory`: an agent's conversation memory (GET /memory/events, /memory/sessions) as a
// readable log: who said what, which tools ran with which arguments and what they returned.
#include <algorithm>
#include <iostream>
#include <map>

#include "cli/agent_client.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "protocol/kaos/memory_api.hpp"

namespace kaos::cli {

namespace {

namespace wire = protocol::kaos;

struct MemoryFlags {
  std::string agent;
  std::string session;
  int limit = 100;
  std::string output = "table";
  EndpointFlags endpoint;
};

/// Sessions looked up one by one to attribute events to them (beyond this, the SESSION column
/// of older sessions' events stays empty).
constexpr std::size_t kMaxSessionsScanned = 50;

std::string arguments_text(const json::value& args) {
  if (!args.is_object()) return value_text(args);
  std::string out;
  for (const auto& [k, v] : args.as_object()) {
    if (!out.empty()) out += ", ";
    out += std::string(k) + "=" + to_json(v);
  }
  return out;
}

/// One event's content as a person reads it; content that is not the object its type
/// promises is shown as it is.
std::string content_text(const wire::MemoryEvent& e) {
  using Type = wire::MemoryEventType;
  switch (e.event_type) {
    case Type::tool_call:
      if (auto c = wire::parse_tool_call_content(e.content))
        return c->tool + "(" + (c->arguments.is_null() ? "" : arguments_text(c->arguments)) + ")";
      break;
    case Type::tool_result:
      if (auto c = wire::parse_tool_result_content(e.content)) return c->tool + " → " + value_text(c->result);
      break;
    case Type::delegation_request:
      if (auto c = wire::parse_delegation_request_content(e.content))
        return "→ " + c->agent + ": " + value_text(c->task);
      break;
    case Type::delegation_response:
      if (auto c = wire::parse_delegation_response_content(e.content))
        return c->agent + " → " + value_text(c->response);
      break;
    default:
      break;
  }
  return value_text(e.content);
}

struct EventRow {
  std::string id, timestamp, content, session;
  wire::MemoryEventType type;
};

std::vector<EventRow> event_rows(const wire::MemoryEventsBody& body) {
  std::vector<EventRow> rows;
  rows.reserve(body.events.size());
  for (const auto& e : body.events) rows.push_back({e.event_id, e.timestamp, content_text(e), {}, e.event_type});
  return rows;
}

std::string colored_type(wire::MemoryEventType type, const Style& style) {
  using Type = wire::MemoryEventType;
  const std::string name(wire::to_string(type));
  if (type == Type::user_message || type == Type::task_delegation_received) return style.cyan(name);
  if (type == Type::agent_response) return style.green(name);
  if (type == Type::error) return style.red(name);
  return style.dim(name);
}

net::Task<int> memory(net::HttpClient& http, const MemoryFlags& f, std::string url) {
  const auto timeout = seconds_to_ms(f.endpoint.timeout_s);
  auto fail = [&](const Error& e) {
    std::cerr << "kaos memory: " << describe_failure(e, "agent", f.agent, url) << "\n";
    return 1;
  };
  const std::string events_url = url + std::string(wire::kMemoryEventsPath);
  std::string path = events_url + "?limit=" + std::to_string(f.limit);
  if (!f.session.empty()) path += "&session_id=" + query_escape(f.session);
  auto events = co_await get_body(http, path, std::string(wire::kMemoryEventsPath), wire::parse_memory_events_body,
                                  timeout, auth_headers(f.endpoint));
  if (!events) co_return fail(events.error());

  std::vector<std::string> sessions;
  std::map<std::string, std::string> session_of;  // event id → session
  struct SessionInfo {
    std::size_t events = 0;
    std::string last;
  };
  std::map<std::string, SessionInfo> info;
  if (f.session.empty()) {
    auto listed =
        co_await get_body(http, url + std::string(wire::kMemorySessionsPath), std::string(wire::kMemorySessionsPath),
                          wire::parse_memory_sessions_body, timeout, auth_headers(f.endpoint));
    if (!listed) co_return fail(listed.error());
    sessions = std::move(listed->sessions);
    for (std::size_t i = 0; i < sessions.size() && i < kMaxSessionsScanned && f.output != "json"; ++i) {
      auto per = co_await get_body(http,
                                   events_url + "?limit=" + std::to_string(wire::kMaxMemoryEventsLimit) +
                                       "&session_id=" + query_escape(sessions[i]),
                                   std::string(wire::kMemoryEventsPath), wire::parse_memory_events_body, timeout,
                                   auth_headers(f.endpoint));
      if (!per) continue;  // evicted meanwhile: leave it blank
      auto& si = info[sessions[i]];
      for (const auto& e : per->events) {
        session_of[e.event_id] = sessions[i];
        ++si.events;
        si.last = std::max(si.last, e.timestamp);
      }
    }
  }

  if (f.output == "json") {
    json::object out = wire::to_json(*events);
    if (f.session.empty()) {
      json::array list;
      for (const auto& s : sessions) list.emplace_back(s);
      out["sessions"] = std::move(list);
    }
    print_json(out);
    co_return 0;
  }

  Style style(stdout);
  if (f.session.empty()) {
    if (sessions.empty()) {
      std::cout << "Agent '" << f.agent << "' has no memory yet. Talk to it with `kaos chat " << f.agent << "`.\n";
      co_return 0;
    }
    std::cout << style.bold("Sessions") << "\n";
    Table st({"SESSION", "EVENTS", "LAST ACTIVITY"});
    for (const auto& s : sessions) {
      auto it = info.find(s);
      st.add_row({s, it != info.end() ? std::to_string(it->second.events) : "",
                  it != info.end() ? short_time(it->second.last) : ""});
    }
    st.print(std::cout, Style::plain());
    std::cout << "\n" << style.bold("Events") << "\n";
  }

  auto rows = event_rows(*events);
  if (rows.empty()) {
    std::cout << (f.session.empty() ? "No events.\n"
                                    : "No events in session '" + f.session + "' (list sessions with `kaos memory " +
                                          f.agent + "`).\n");
    co_return 0;
  }
  if (f.session.empty()) {
    for (auto& r : rows)
      if (r.session.empty())
        if (auto it = session_of.find(r.id); it != session_of.end()) r.session = it->second;
    std::stable_sort(rows.begin(), rows.end(),
                     [](const EventRow& a, const EventRow& b) { return a.timestamp < b.timestamp; });
  }
  std::vector<std::string> headers{"TIME"};
  if (f.session.empty()) headers.emplace_back("SESSION");
  headers.insert(headers.end(), {"TYPE", "CONTENT"});
  Table t(headers);
  for (const auto& r : rows) {
    std::vector<std::string> cells{short_time(r.timestamp)};
    if (f.session.empty()) cells.push_back(r.session);
    cells.push_back(colored_type(r.type, style));
    cells.push_back(preview(r.content, 100));
    t.add_row(std::move(cells));
  }
  t.print(std::cout, style);
  co_return 0;
}

int run_memory(const MemoryFlags& f) {
  auto url = resolve_or_report("memory", "agent", f.agent, f.endpoint);
  if (!url) return 1;
  return run_client("memory", [&](net::HttpClient& http) { return memory(http, f, *url); });
}

}  // namespace

void add_memory_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<MemoryFlags>();
  auto* cmd = app.add_subcommand("memory",
                                 "Show an agent's memory: its sessions and the events of its conversations\n"
                                 "(messages, tool calls with their arguments and results, delegations, errors).");
  cmd->add_option("agent", flags->agent, "The agent's name")->required();
  cmd->add_option("--session,-s", flags->session, "Only this session's events (ids are listed without it)");
  cmd->add_option("--limit", flags->limit, "Most recent events to show (1-1000)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--output,-o", flags->output,
                  "table: aligned tables; json: the agent's /memory/events answer (plus `sessions`\n"
                  "without --session)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  add_endpoint_flags(cmd, flags->endpoint, "agent");
  cmd->footer(
      "Examples:\n"
      "  kaos memory assistant\n"
      "  kaos memory assistant --session session_0123456789ab -o json");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_memory(*flags); });
}

}  // namespace kaos::cli
