// `kaos invoke` and `kaos tasks`: an agent's A2A side. invoke sends one message (A2A 1.0
// SendMessage), blocking or as an autonomous task; tasks lists, shows and cancels tasks
// through KAOS's `tasks/*` methods, whose task JSON carries events, `autonomous` and `output`.
#include <iostream>

#include "cli/agent_client.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "clients/a2a/a2a_client.hpp"
#include "core/ids.hpp"
#include "protocol/a2a/a2a.hpp"

namespace kaos::cli {

namespace {

namespace a2a = protocol::a2a;

struct InvokeFlags {
  std::string agent;
  std::string message;
  std::string session;
  bool async = false;
  std::int64_t max_iterations = -1;
  std::int64_t max_runtime = -1;
  std::int64_t max_tool_calls = -1;
  std::string output = "text";
  EndpointFlags endpoint;
};

struct TasksFlags {
  std::string agent;
  std::string task_id;
  bool cancel = false;
  std::string output = "table";
  EndpointFlags endpoint;
};

std::string jsonrpc_url(const std::string& base) {
  return base + "/";
}

const json::object* as_object(const json::value* v) {
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

/// The task's state in the KAOS/0.3 spelling ("completed"), whatever dialect it came in.
std::string task_state(const json::object& task) {
  const auto* status = as_object(find_field(task, "status"));
  auto raw = status != nullptr ? string_field(*status, "state").value_or("") : std::string_view{};
  if (auto s = a2a::parse_state(raw)) return std::string(a2a::state_name(*s, a2a::Dialect::kaos));
  return std::string(raw);
}

std::string task_timestamp(const json::object& task) {
  const auto* status = as_object(find_field(task, "status"));
  return status != nullptr ? std::string(string_field(*status, "timestamp").value_or("")) : std::string();
}

std::string colored_state(const std::string& state, const Style& style) {
  if (state == "completed") return style.green(state);
  if (state == "failed" || state == "rejected") return style.red(state);
  if (state == "canceled") return style.dim(state);
  return style.yellow(state);
}

/// The first user message of the task's history (what it was asked).
std::string task_input(const json::object& task) {
  const auto* history = find_field(task, "history");
  if (history == nullptr || !history->is_array()) return {};
  for (const auto& m : history->as_array()) {
    if (!m.is_object()) continue;
    auto role = string_field(m.as_object(), "role").value_or("");
    if (role != "user" && role != "ROLE_USER") continue;
    const auto* parts = find_field(m.as_object(), "parts");
    if (parts == nullptr || !parts->is_array()) continue;
    std::string text;
    for (const auto& p : parts->as_array())
      if (auto t = a2a::part_text(p)) text += (text.empty() ? "" : " ") + std::string(*t);
    return text;
  }
  return {};
}

std::string task_output(const json::value& task) {
  if (task.is_object())
    if (auto out = string_field(task.as_object(), "output"); out && !out->empty()) return std::string(*out);
  return a2a::reply_text(task);
}

std::string failure_reason(const json::object& task) {
  const auto* status = as_object(find_field(task, "status"));
  if (status != nullptr)
    if (const auto* msg = find_field(*status, "message"))
      if (auto text = a2a::reply_text(json::object{{"message", *msg}}); !text.empty()) return text;
  const auto* events = find_field(task, "events");
  if (events != nullptr && events->is_array())
    for (const auto& e : events->as_array())
      if (e.is_object() && string_field(e.as_object(), "type").value_or("") == "task.failed")
        if (const auto* data = as_object(find_field(e.as_object(), "data")))
          if (auto err = string_field(*data, "error")) return std::string(*err);
  return {};
}

// ---- invoke -----------------------------------------------------------------------------

json::object send_params(const InvokeFlags& f) {
  json::object message{{"messageId", random_id("msg_", 12)},
                       {"role", "ROLE_USER"},
                       {"parts", json::array{json::object{{"text", f.message}}}}};
  if (!f.session.empty()) message["contextId"] = f.session;
  json::object params{{"message", std::move(message)}};
  if (f.async) {
    json::object budgets;
    if (f.max_iterations >= 0) budgets["maxIterations"] = f.max_iterations;
    if (f.max_runtime >= 0) budgets["maxRuntimeSeconds"] = f.max_runtime;
    if (f.max_tool_calls >= 0) budgets["maxToolCalls"] = f.max_tool_calls;
    json::object configuration{{"mode", "autonomous"}};
    if (!budgets.empty()) configuration["budgets"] = std::move(budgets);
    params["configuration"] = std::move(configuration);
  }
  return params;
}

net::Task<int> invoke(net::HttpClient& http, const InvokeFlags& f, std::string url) {
  clients::a2a::A2aClient client(http);
  auto result = co_await client.call(jsonrpc_url(url), "SendMessage", send_params(f), auth_headers(f.endpoint),
                                     seconds_to_ms(f.endpoint.timeout_s));
  if (!result) {
    std::cerr << "kaos invoke: " << describe_failure(result.error(), "agent", f.agent, url) << "\n";
    co_return 1;
  }
  const json::value* task_v = result->is_object() ? find_field(result->as_object(), "task") : nullptr;
  if (task_v == nullptr || !task_v->is_object()) {
    // A bare message (1.0 {"message"}) answers without a task.
    if (f.output == "json") {
      print_json(*result);
    } else {
      std::cout << a2a::reply_text(*result) << "\n";
    }
    co_return 0;
  }
  const auto& task = task_v->as_object();
  const auto id = std::string(string_field(task, "id").value_or(""));
  const auto session = std::string(string_field(task, "contextId").value_or(""));
  const auto state = task_state(task);
  Style err(stderr);
  if (f.output == "json") {
    print_json(*task_v);
  } else if (f.async) {
    Style out(stdout);
    std::cout << "Started task " << out.bold(id) << " (" << colored_state(state, out) << ", autonomous) in session "
              << session << "\n"
              << "  follow it:  kaos tasks " << f.agent << " " << id << endpoint_suffix(f.endpoint) << "\n"
              << "  cancel it:  kaos tasks " << f.agent << " " << id << " --cancel" << endpoint_suffix(f.endpoint)
              << "\n";
  } else {
    auto text = a2a::reply_text(*result);
    if (!text.empty()) std::cout << text << (text.back() == '\n' ? "" : "\n");
    std::cerr << err.dim("task " + id + " " + state + " · session " + session) << "\n";
  }
  if (state == "failed" || state == "rejected") {
    auto reason = failure_reason(task);
    std::cerr << "kaos invoke: task " << id << " " << state << (reason.empty() ? "" : ": " + reason)
              << " (details: `kaos tasks " << f.agent << " " << id << endpoint_suffix(f.endpoint) << "`)\n";
    co_return 1;
  }
  co_return 0;
}

int run_invoke(const InvokeFlags& f) {
  if (!f.async && (f.max_iterations >= 0 || f.max_runtime >= 0 || f.max_tool_calls >= 0)) {
    std::cerr << "kaos invoke: --max-iterations, --max-runtime and --max-tool-calls are budgets of an --async task; "
                 "add --async\n";
    return 2;
  }
  auto url = resolve_or_report("invoke", "agent", f.agent, f.endpoint);
  if (!url) return 1;
  return run_client("invoke", [&](net::HttpClient& http) { return invoke(http, f, *url); });
}

// ---- tasks ------------------------------------------------------------------------------

std::string event_data_text(const json::object& event) {
  const auto* data = find_field(event, "data");
  if (data == nullptr || !data->is_object() || data->as_object().empty()) return {};
  std::string out;
  for (const auto& [k, v] : data->as_object()) {
    if (!out.empty()) out += ", ";
    out += std::string(k) + "=" + value_text(v);
  }
  return out;
}

void print_task_details(const json::object& task, const Style& style) {
  auto field = [&](std::string_view label, const std::string& value) {
    if (value.empty()) return;
    std::string padded(label);
    padded += std::string(12 - std::min<std::size_t>(12, label.size()), ' ');
    std::cout << style.bold(padded) << value << "\n";
  };
  const auto state = task_state(task);
  field("Task:", std::string(string_field(task, "id").value_or("")));
  field("State:", colored_state(state, style));
  field("Session:",
        std::string(string_field(task, "sessionId").value_or(string_field(task, "contextId").value_or(""))));
  field("Autonomous:", bool_field(task, "autonomous").value_or(false) ? "yes" : "no");
  field("Updated:", short_time(task_timestamp(task)));
  field("Input:", preview(task_input(task), 200));
  if (state == "failed") field("Error:", failure_reason(task));
  const auto* events = find_field(task, "events");
  if (events != nullptr && events->is_array() && !events->as_array().empty()) {
    std::cout << style.bold("Events:") << "\n";
    Table t({"  TIME", "TYPE", "DATA"});
    for (const auto& e : events->as_array()) {
      if (!e.is_object()) continue;
      const auto& eo = e.as_object();
      t.add_row({"  " + short_time(string_field(eo, "timestamp").value_or("")),
                 std::string(string_field(eo, "type").value_or("")), preview(event_data_text(eo), 80)});
    }
    t.print(std::cout, Style::plain());
  }
  auto output = task_output(json::value(task));
  if (!output.empty()) {
    std::cout << style.bold("Output:") << "\n";
    std::string indented = "  ";
    for (char c : output) {
      indented += c;
      if (c == '\n') indented += "  ";
    }
    std::cout << indented << "\n";
  }
}

net::Task<int> tasks(net::HttpClient& http, const TasksFlags& f, std::string url) {
  clients::a2a::A2aClient client(http);
  const auto timeout = seconds_to_ms(f.endpoint.timeout_s);
  const auto rpc = jsonrpc_url(url);
  auto fail = [&](const Error& e) {
    std::cerr << "kaos tasks: " << describe_failure(e, "agent", f.agent, url);
    if (e.kind == ErrorKind::rpc && e.rpc_code == a2a::kTaskNotFound)
      std::cerr << " (list its tasks with `kaos tasks " << f.agent << "`)";
    std::cerr << "\n";
    return 1;
  };
  Style style(stdout);

  if (f.task_id.empty()) {
    auto listed = co_await client.list_tasks(rpc, {}, auth_headers(f.endpoint), timeout, a2a::Dialect::kaos);
    if (!listed) co_return fail(listed.error());
    if (f.output == "json") {
      print_json(*listed);
      co_return 0;
    }
    const json::value* items = listed->is_object() ? find_field(listed->as_object(), "tasks") : nullptr;
    if (items == nullptr || !items->is_array()) {
      std::cerr << "kaos tasks: agent '" << f.agent << "' answered a task list without `tasks`\n";
      co_return 1;
    }
    if (items->as_array().empty()) {
      std::cout << "No tasks on agent '" << f.agent << "'. Start one with `kaos invoke " << f.agent
                << " MESSAGE [--async]`.\n";
      co_return 0;
    }
    Table t({"ID", "STATE", "AUTONOMOUS", "UPDATED", "OUTPUT"});
    for (const auto& v : items->as_array()) {
      if (!v.is_object()) continue;
      const auto& task = v.as_object();
      t.add_row({std::string(string_field(task, "id").value_or("")), colored_state(task_state(task), style),
                 bool_field(task, "autonomous").value_or(false) ? "yes" : "", short_time(task_timestamp(task)),
                 preview(task_output(v), 60)});
    }
    t.print(std::cout, style);
    co_return 0;
  }

  auto answer = co_await client.get_task(rpc, f.task_id, auth_headers(f.endpoint), timeout, a2a::Dialect::kaos);
  if (!answer) co_return fail(answer.error());
  if (!answer->is_object()) {
    std::cerr << "kaos tasks: agent '" << f.agent << "' answered a task that is not a JSON object\n";
    co_return 1;
  }
  if (f.cancel) {
    // Looked at first, so a finished task is reported as such (KAOS's tasks/cancel returns it
    // unchanged, which alone does not tell "just canceled" from "was canceled before").
    auto before = a2a::parse_state(task_state(answer->as_object()));
    const bool finished = before && a2a::is_terminal(*before);
    if (!finished) {
      answer = co_await client.cancel_task(rpc, f.task_id, auth_headers(f.endpoint), timeout, a2a::Dialect::kaos);
      if (!answer) co_return fail(answer.error());
    }
    if (f.output == "json") {
      print_json(*answer);
      co_return 0;
    }
    const auto state = answer->is_object() ? task_state(answer->as_object()) : std::string("unknown");
    if (!finished && state == "canceled")
      std::cout << "Canceled task " << f.task_id << ".\n";
    else
      std::cout << "Task " << f.task_id << " is already " << state << "; nothing to cancel.\n";
    co_return 0;
  }
  if (f.output == "json") {
    print_json(*answer);
    co_return 0;
  }
  print_task_details(answer->as_object(), style);
  co_return 0;
}

int run_tasks(const TasksFlags& f) {
  if (f.cancel && f.task_id.empty()) {
    std::cerr << "kaos tasks: --cancel needs the task's ID: kaos tasks " << f.agent << " ID --cancel\n";
    return 2;
  }
  auto url = resolve_or_report("tasks", "agent", f.agent, f.endpoint);
  if (!url) return 1;
  return run_client("tasks", [&](net::HttpClient& http) { return tasks(http, f, *url); });
}

}  // namespace

void add_invoke_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<InvokeFlags>();
  auto* cmd = app.add_subcommand("invoke",
                                 "Send an agent one message over A2A (SendMessage): wait for the answer, or with\n"
                                 "--async start an autonomous task and print its id.");
  cmd->add_option("agent", flags->agent, "The agent's name")->required();
  cmd->add_option("message", flags->message, "The message (the goal, with --async)")->required();
  cmd->add_flag("--async", flags->async,
                "Run as an autonomous task (configuration.mode \"autonomous\"): returns at once; the agent\n"
                "iterates until an iteration calls no tool or a budget runs out");
  cmd->add_option("--session,-s", flags->session, "A2A contextId: continue this session");
  cmd->add_option("--max-iterations", flags->max_iterations, "With --async: iteration budget (0 = unlimited)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-runtime", flags->max_runtime, "With --async: wall-clock budget in seconds (0 = unlimited)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-tool-calls", flags->max_tool_calls, "With --async: tool-call budget (0 = unlimited)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--output,-o", flags->output,
                  "text: the answer (with --async: the task id and how to follow it); json: the A2A task")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  add_endpoint_flags(cmd, flags->endpoint, "agent");
  cmd->footer(
      "Budgets the agent applies when not given: TASK_MAX_ITERATIONS, TASK_MAX_RUNTIME_SECONDS,\n"
      "TASK_MAX_TOOL_CALLS of the agent (10, 300, 50).\n"
      "Exit status: 0 on success; 1 when the agent cannot be reached or the task failed; 2 on bad arguments.\n"
      "Examples:\n"
      "  kaos invoke assistant 'Summarise the open issues'\n"
      "  kaos invoke monitor 'Check the service every minute' --async --max-runtime 600\n"
      "  kaos tasks monitor task_0123456789ab");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_invoke(*flags); });
}

void add_tasks_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<TasksFlags>();
  auto* cmd =
      app.add_subcommand("tasks", "List an agent's A2A tasks, show one (state, events, output), or cancel one.");
  cmd->add_option("agent", flags->agent, "The agent's name")->required();
  cmd->add_option("id", flags->task_id, "A task id: show this task (or cancel it with --cancel)");
  cmd->add_flag("--cancel", flags->cancel, "Cancel the running task ID (a finished task is left as it is)");
  cmd->add_option("--output,-o", flags->output,
                  "table: an aligned table (the list) or the task's details; json: KAOS's task JSON\n"
                  "(`tasks/list` / `tasks/get` / `tasks/cancel` answers)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  add_endpoint_flags(cmd, flags->endpoint, "agent");
  cmd->footer(
      "Exit status: 0 on success; 1 when the agent cannot be reached or has no such task; 2 on bad arguments.\n"
      "Examples:\n"
      "  kaos tasks assistant\n"
      "  kaos tasks assistant task_0123456789ab\n"
      "  kaos tasks assistant task_0123456789ab --cancel");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_tasks(*flags); });
}

}  // namespace kaos::cli
