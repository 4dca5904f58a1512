// Reading the answer out of a peer's send result, whatever dialect it speaks (delegation).
#include "protocol/a2a/a2a.hpp"

namespace kaos::protocol::a2a {
namespace {

std::string message_text(const json::object& m) {
  std::string out;
  if (const auto* parts = find_field(m, "parts"); parts && parts->is_array()) {
    for (const auto& p : parts->as_array()) {
      auto t = part_text(p);
      if (!t || t->empty()) continue;
      if (!out.empty()) out += ' ';
      out += *t;
    }
  }
  if (out.empty()) out = std::string(string_field(m, "text").value_or(""));
  return out;
}

bool is_agent_role(const json::object& m) {
  auto role = string_field(m, "role").value_or("");
  return role == "agent" || role == "ROLE_AGENT" || role == "assistant";
}

std::string task_text(const json::object& t) {
  if (const auto* arts = find_field(t, "artifacts"); arts && arts->is_array()) {
    std::string out;
    for (const auto& a : arts->as_array()) {
      if (!a.is_object()) continue;
      auto text = message_text(a.as_object());
      if (text.empty()) continue;
      if (!out.empty()) out += '\n';
      out += text;
    }
    if (!out.empty()) return out;
  }
  if (auto output = string_field(t, "output"); output && !output->empty()) return std::string(*output);
  if (const auto* hist = find_field(t, "history"); hist && hist->is_array()) {
    const auto& h = hist->as_array();
    for (auto it = h.rbegin(); it != h.rend(); ++it) {
      if (it->is_object() && is_agent_role(it->as_object())) {
        auto text = message_text(it->as_object());
        if (!text.empty()) return text;
      }
    }
  }
  if (const auto* status = find_field(t, "status"); status && status->is_object()) {
    // A status message is why a task did not answer; a completed one's ("Done") is no answer.
    const auto state = parse_state(string_field(status->as_object(), "state").value_or(""));
    if (state == TaskState::completed) return {};
    if (const auto* m = find_field(status->as_object(), "message")) {
      if (m->is_object()) return message_text(m->as_object());
      if (m->is_string()) return std::string(m->as_string());  // the KAOS dialect's plain text
    }
  }
  return {};
}

}  // namespace

std::optional<std::string_view> part_text(const json::value& part) {
  if (!part.is_object()) return std::nullopt;
  const auto& p = part.as_object();
  const auto* text = find_field(p, "text");
  if (!text || !text->is_string()) return std::nullopt;
  // A discriminator, when present, must say text (a 0.3 file part never has `text` anyway).
  if (auto kind = string_field(p, "kind"); kind && *kind != "text") return std::nullopt;
  if (auto type = string_field(p, "type"); type && *type != "text") return std::nullopt;
  return std::string_view(text->as_string());
}

std::string reply_text(const json::value& result) {
  if (!result.is_object()) return {};
  const auto& r = result.as_object();
  // 1.0 SendMessageResponse: {"task": Task} or {"message": Message}.
  if (const auto* t = find_field(r, "task"); t && t->is_object()) return task_text(t->as_object());
  if (const auto* m = find_field(r, "message"); m && !r.contains("id")) {
    if (m->is_object()) return message_text(m->as_object());
    if (m->is_string()) return std::string(m->as_string());  // a KAOS status message on its own
  }
  // 0.3 Message result, or a bare message.
  if (string_field(r, "kind").value_or("") == "message" || (r.contains("parts") && r.contains("role"))) {
    return message_text(r);
  }
  return task_text(r);  // 0.3 / KAOS Task
}

}  // namespace kaos::protocol::a2a
