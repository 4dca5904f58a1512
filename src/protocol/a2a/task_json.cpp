// Task states and the Task / Message / stream-event JSON of each dialect (see a2a.hpp).
#include <array>

#include "protocol/a2a/a2a.hpp"

namespace kaos::protocol::a2a {
namespace {

struct StateNames {
  TaskState state;
  std::string_view v1;
  std::string_view v03;
};
constexpr std::array<StateNames, 8> kStates{{
    {TaskState::submitted, "TASK_STATE_SUBMITTED", "submitted"},
    {TaskState::working, "TASK_STATE_WORKING", "working"},
    {TaskState::input_required, "TASK_STATE_INPUT_REQUIRED", "input-required"},
    {TaskState::completed, "TASK_STATE_COMPLETED", "completed"},
    {TaskState::canceled, "TASK_STATE_CANCELED", "canceled"},
    {TaskState::failed, "TASK_STATE_FAILED", "failed"},
    {TaskState::rejected, "TASK_STATE_REJECTED", "rejected"},
    {TaskState::auth_required, "TASK_STATE_AUTH_REQUIRED", "auth-required"},
}};

bool is_legacy(Dialect d) {
  return d != Dialect::v1;
}

// One text part. 1.0 parts have no discriminator; 0.3 has `kind`; KAOS reads `type`, so the
// KAOS dialect writes both (the 0.3 superset).
json::object text_part(std::string_view text, Dialect d) {
  json::object p;
  if (d == Dialect::v03 || d == Dialect::kaos) p["kind"] = "text";
  if (d == Dialect::kaos) p["type"] = "text";
  p["text"] = text;
  return p;
}

json::object message_json(const Message& m, Dialect d, std::string_view fallback_id) {
  json::object o;
  if (is_legacy(d)) o["kind"] = "message";
  o["messageId"] = m.message_id.empty() ? fallback_id : std::string_view(m.message_id);
  if (d == Dialect::v1) {
    o["role"] = m.role == "user" ? "ROLE_USER" : "ROLE_AGENT";
  } else {
    o["role"] = m.role == "user" ? "user" : "agent";
  }
  o["parts"] = json::array{text_part(m.text, d)};
  if (!m.context_id.empty()) o["contextId"] = m.context_id;
  if (!m.task_id.empty()) o["taskId"] = m.task_id;
  if (!m.metadata.empty()) o["metadata"] = m.metadata;
  return o;
}

json::object status_json(const Task& t, Dialect d) {
  json::object s;
  s["state"] = state_name(t.state, d);
  if (!t.status_timestamp.empty()) s["timestamp"] = t.status_timestamp;
  if (t.status_message) {
    // KAOS's readers (its CLI prints it, its UI types it `message?: string`) expect the text.
    if (d == Dialect::kaos) {
      s["message"] = t.status_message->text;
    } else {
      s["message"] = message_json(*t.status_message, d, t.id + "-status");
    }
  }
  return s;
}

json::object output_artifact(std::string_view text, Dialect d) {
  json::object a;
  a["artifactId"] = kOutputArtifactId;
  a["name"] = kOutputArtifactId;
  a["parts"] = json::array{text_part(text, d)};
  return a;
}

json::object event_json(const TaskEvent& e) {
  json::object o{{"id", e.id}, {"type", e.type}, {"timestamp", e.timestamp}, {"data", e.data}};
  // KAOS's first autonomous events carried the reason beside the data (its older e2e tests
  // read `event["reason"]`, the newer ones `event["data"]["reason"]`): both are served.
  if (const auto* reason = find_field(e.data, "reason")) o["reason"] = *reason;
  return o;
}

}  // namespace

std::string_view state_name(TaskState s, Dialect d) {
  for (const auto& n : kStates) {
    if (n.state == s) return d == Dialect::v1 ? n.v1 : n.v03;
  }
  return "unknown";
}

std::optional<TaskState> parse_state(std::string_view name) {
  for (const auto& n : kStates) {
    if (name == n.v1 || name == n.v03) return n.state;
  }
  if (name == "input_required") return TaskState::input_required;
  if (name == "auth_required") return TaskState::auth_required;
  return std::nullopt;
}

bool is_terminal(TaskState s) {
  return s == TaskState::completed || s == TaskState::canceled || s == TaskState::failed || s == TaskState::rejected;
}

bool can_transition(TaskState from, TaskState to) {
  using S = TaskState;
  switch (from) {
    case S::submitted:
      return to == S::working || to == S::canceled || to == S::failed || to == S::rejected;
    case S::working:
      return to == S::completed || to == S::failed || to == S::canceled || to == S::input_required ||
             to == S::auth_required;
    case S::input_required:
    case S::auth_required:
      return to == S::working || to == S::canceled || to == S::failed;
    default:
      return false;  // terminal
  }
}

json::object message_to_json(const Message& m, Dialect d) {
  return message_json(m, d, m.task_id + "-msg");
}

json::object task_to_json(const Task& t, Dialect d) {
  json::object o;
  if (is_legacy(d)) o["kind"] = "task";
  o["id"] = t.id;
  o["contextId"] = t.context_id;
  o["status"] = status_json(t, d);
  json::array history;
  for (std::size_t i = 0; i < t.history.size(); ++i) {
    history.push_back(message_json(t.history[i], d, t.id + "-msg-" + std::to_string(i)));
  }
  o["history"] = std::move(history);
  json::array artifacts;
  if (!t.output.empty()) artifacts.push_back(output_artifact(t.output, d));
  o["artifacts"] = std::move(artifacts);
  o["metadata"] = t.metadata;
  if (d == Dialect::kaos) {
    o["sessionId"] = t.context_id;
    json::array events;
    for (const auto& e : t.events) events.push_back(event_json(e));
    o["events"] = std::move(events);
    o["autonomous"] = t.autonomous;
    o["mode"] = t.autonomous ? "autonomous" : "interactive";  // KAOS's name before `autonomous`
    o["output"] = t.output;
  }
  return o;
}

json::object send_result_json(const Task& t, Dialect d) {
  if (d == Dialect::v1) return json::object{{"task", task_to_json(t, d)}};
  return task_to_json(t, d);
}

json::object list_result_json(const std::vector<Task>& tasks, Dialect d, std::string_view next_page_token,
                              std::int64_t total_size) {
  json::array items;
  for (const auto& t : tasks) items.push_back(task_to_json(t, d));
  const auto count = static_cast<std::int64_t>(tasks.size());
  json::object o;
  o["tasks"] = std::move(items);
  if (d == Dialect::v1) {
    o["nextPageToken"] = next_page_token;
    o["pageSize"] = count;
    o["totalSize"] = total_size < 0 ? count : total_size;
  } else {
    o["count"] = count;
  }
  return o;
}

CancelOutcome cancel_outcome(TaskState state, Dialect d) {
  if (!is_terminal(state)) return CancelOutcome::cancel;
  if (d == Dialect::v1 && state != TaskState::canceled) return CancelOutcome::not_cancelable;
  return CancelOutcome::unchanged;
}

std::string task_not_found_message(std::string_view task_id) {
  return "Task not found: " + std::string(task_id);
}
std::string task_not_cancelable_message(std::string_view task_id) {
  return "Task not cancelable: " + std::string(task_id);
}

// ---- streaming ----

json::object stream_task_event(const Task& t, Dialect d) {
  if (d == Dialect::v1) return json::object{{"task", task_to_json(t, d)}};
  return task_to_json(t, d);
}

json::object stream_status_event(const Task& t, Dialect d, bool final) {
  json::object e;
  if (is_legacy(d)) e["kind"] = "status-update";
  e["taskId"] = t.id;
  e["contextId"] = t.context_id;
  e["status"] = status_json(t, d);
  if (d == Dialect::v1) return json::object{{"statusUpdate", std::move(e)}};
  e["final"] = final;
  return e;
}

json::object stream_artifact_event(const Task& t, Dialect d, std::string_view text, bool append, bool last_chunk) {
  json::object e;
  if (is_legacy(d)) e["kind"] = "artifact-update";
  e["taskId"] = t.id;
  e["contextId"] = t.context_id;
  e["artifact"] = output_artifact(text, d);
  e["append"] = append;
  e["lastChunk"] = last_chunk;
  if (d == Dialect::v1) return json::object{{"artifactUpdate", std::move(e)}};
  return e;
}

json::object stream_message_event(const Message& m, Dialect d) {
  if (d == Dialect::v1) return json::object{{"message", message_to_json(m, d)}};
  return message_to_json(m, d);
}

}  // namespace kaos::protocol::a2a

namespace kaos::protocol::a2a {

std::string_view send_method(Dialect d) {
  switch (d) {
    case Dialect::v1:
      return "SendMessage";
    case Dialect::v03:
      return "message/send";
    default:
      return "tasks/send";
  }
}

json::object send_request_params(const Message& m, Dialect d) {
  json::object p;
  p["message"] = message_to_json(m, d);
  if (d == Dialect::kaos && !m.context_id.empty()) {
    p["contextId"] = m.context_id;
    p["sessionId"] = m.context_id;
  }
  return p;
}

}  // namespace kaos::protocol::a2a
