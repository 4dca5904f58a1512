// `kaos memory`: an agent's conversation memory (GET /memory/events, /memory/sessions) as a
// readable log: who said what, which tools ran with which arguments and what they returned.
#include <algorithm>
#include <iostream>
#include <map>

#include "cli/agent_client.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"

namespace kaos::cli {

namespace {

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

/// One event's content as a person reads it.
std::string content_text(std::string_view type, const json::value& content) {
  if (!content.is_object()) return value_text(content);
  const auto& o = content.as_object();
  auto str = [&](std::string_view key) { return std::string(string_field(o, key).value_or("")); };
  auto val = [&](std::string_view key) {
    const auto* v = find_field(o, key);
    return v != nullptr ? value_text(*v) : std::string();
  };
  if (type == "tool_call") {
    const auto* args = find_field(o, "arguments");
    return str("tool") + "(" + (args != nullptr ? arguments_text(*args) : "") + ")";
  }
  if (type == "tool_result") return str("tool") + " → " + val("result");
  if (type == "delegation_request") return "→ " + str("agent") + ": " + val("task");
  if (type == "delegation_response") return str("agent") + " → " + val("response");
  return value_text(content);
}

struct EventRow {
  std::string id, timestamp, type, content, session;
};

std::vector<EventRow> event_rows(const json::value& answer) {
  std::vector<EventRow> rows;
  const json::value* events = answer.is_object() ? find_field(answer.as_object(), "events") : nullptr;
  if (events == nullptr || !events->is_array()) return rows;
  for (const auto& e : events->as_array()) {
    if (!e.is_object()) continue;
    const auto& o = e.as_object();
    EventRow r;
    r.id = std::string(string_field(o, "event_id").value_or(""));
    r.timestamp = std::string(string_field(o, "timestamp").value_or(""));
    r.type = std::string(string_field(o, "event_type").value_or(""));
    const auto* content = find_field(o, "content");
    r.content = content != nullptr ? content_text(r.type, *content) : "";
    r.session = std::string(string_field(o, "session_id").value_or(""));
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string colored_type(const std::string& type, const Style& style) {
  if (type == "user_message" || type == "task_delegation_received") return style.cyan(type);
  if (type == "agent_response") return style.green(type);
  if (type == "error") return style.red(type);
  return style.dim(type);
}

std::vector<std::string> string_list(const json::value& answer, std::string_view key) {
  std::vector<std::string> out;
  const json::value* list = answer.is_object() ? find_field(answer.as_object(), key) : nullptr;
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& v : list->as_array())
    if (v.is_string()) out.emplace_back(v.get_string());
  return out;
}

net::Task<int> memory(net::HttpClient& http, const MemoryFlags& f, std::string url) {
  const auto timeout = seconds_to_ms(f.endpoint.timeout_s);
  auto fail = [&](const Error& e) {
    std::cerr << "kaos memory: " << describe_failure(e, "agent", f.agent, url) << "\n";
    return 1;
  };
  std::string path = url + "/memory/events?limit=" + std::to_string(f.limit);
  if (!f.session.empty()) path += "&session_id=" + query_escape(f.session);
  auto events = co_await get_json(http, path, timeout);
  if (!events) co_return fail(events.error());

  std::vector<std::string> sessions;
  std::map<std::string, std::string> session_of;  // event id → session
  struct SessionInfo {
    std::size_t events = 0;
    std::string last;
  };
  std::map<std::string, SessionInfo> info;
  if (f.session.empty()) {
    auto listed = co_await get_json(http, url + "/memory/sessions", timeout);
    if (!listed) co_return fail(listed.error());
    sessions = string_list(*listed, "sessions");
    for (std::size_t i = 0; i < sessions.size() && i < kMaxSessionsScanned && f.output != "json"; ++i) {
      auto per =
          co_await get_json(http, url + "/memory/events?limit=1000&session_id=" + query_escape(sessions[i]), timeout);
      if (!per) continue;  // evicted meanwhile: leave it blank
      auto& si = info[sessions[i]];
      for (auto& r : event_rows(*per)) {
        session_of[r.id] = sessions[i];
        ++si.events;
        si.last = std::max(si.last, r.timestamp);
      }
    }
  }

  if (f.output == "json") {
    json::value out = *events;
    if (f.session.empty() && out.is_object()) {
      json::array list;
      for (const auto& s : sessions) list.emplace_back(s);
      out.as_object()["sessions"] = std::move(list);
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
