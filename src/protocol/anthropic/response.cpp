// Anthropic Messages response / error → OpenAI chat.completion / error.
#include <boost/json/serialize.hpp>

#include "core/json.hpp"
#include "protocol/anthropic/messages.hpp"

namespace kaos::protocol::anthropic {

std::string_view finish_reason_for(std::string_view stop_reason) {
  if (stop_reason == "max_tokens") return "length";
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "refusal") return "content_filter";
  return "stop";  // end_turn, stop_sequence, pause_turn, unknown
}

openai::Usage usage_from(const json::object& u) {
  openai::Usage out;
  for (auto key : {"input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"})
    if (const auto* v = u.if_contains(key)) out.prompt_tokens += as_int64(*v).value_or(0);
  if (const auto* v = u.if_contains("output_tokens")) out.completion_tokens = as_int64(*v).value_or(0);
  return out;
}

json::object to_chat_completion(const json::object& message, std::string_view model_alias) {
  std::string text;
  json::array tool_calls;
  if (const auto* content = message.if_contains("content"); content && content->is_array()) {
    for (const auto& b : content->get_array()) {
      if (!b.is_object()) continue;
      const auto& block = b.get_object();
      auto type = string_field(block, "type").value_or("");
      if (type == "text") {
        text += string_field(block, "text").value_or("");
      } else if (type == "tool_use") {
        json::object fn;
        fn["name"] = string_field(block, "name").value_or("");
        const auto* input = block.if_contains("input");
        fn["arguments"] = input ? kaos::to_json(*input) : std::string("{}");
        json::object call;
        call["id"] = string_field(block, "id").value_or("");
        call["type"] = "function";
        call["function"] = std::move(fn);
        tool_calls.push_back(std::move(call));
      }
    }
  }
  json::object msg;
  msg["role"] = "assistant";
  if (text.empty() && !tool_calls.empty())
    msg["content"] = nullptr;
  else
    msg["content"] = text;
  if (!tool_calls.empty()) msg["tool_calls"] = std::move(tool_calls);

  openai::Usage usage;
  if (const auto* u = message.if_contains("usage"); u && u->is_object()) usage = usage_from(u->get_object());
  return openai::make_completion(string_field(message, "id").value_or("msg"), openai::unix_now(), model_alias,
                                 std::move(msg),
                                 finish_reason_for(string_field(message, "stop_reason").value_or("end_turn")), usage);
}

std::string to_openai_error(std::string_view body, int status) {
  auto parsed = parse_json(body);
  if (parsed && parsed->is_object()) {
    const auto* e = parsed->get_object().if_contains("error");
    if (e && e->is_object()) {
      auto msg = string_field(e->get_object(), "message").value_or("upstream error");
      auto type = string_field(e->get_object(), "type").value_or(openai::kApiError);
      return openai::error_json(msg, type, {}, std::to_string(status));
    }
  }
  std::string msg = "Anthropic upstream returned HTTP " + std::to_string(status);
  if (!body.empty()) msg += ": " + std::string(body.substr(0, 512));
  return openai::error_json(msg, openai::kApiError, {}, std::to_string(status));
}

}  // namespace kaos::protocol::anthropic
