// Anthropic streaming events → OpenAI chat.completion.chunk payloads.
#include <boost/json/serialize.hpp>

#include "core/json.hpp"
#include "protocol/anthropic/messages.hpp"

namespace kaos::protocol::anthropic {

StreamTranslator::StreamTranslator(std::string_view model_alias, bool include_usage)
    : model_(model_alias), include_usage_(include_usage), id_("chatcmpl-anthropic"), created_(openai::unix_now()) {}

std::string StreamTranslator::chunk(json::object delta, std::string_view finish_reason) {
  return kaos::to_json(openai::make_chunk(id_, created_, model_, std::move(delta), finish_reason));
}

std::vector<std::string> StreamTranslator::on_event(std::string_view event, const json::object& data) {
  std::vector<std::string> out;
  // Anthropic repeats the event name as data.type; prefer the data when the name is absent.
  std::string_view type = event;
  if (type.empty() || type == "message") type = string_field(data, "type").value_or("");

  if (type == "message_start") {
    if (const auto* m = data.if_contains("message"); m && m->is_object()) {
      const auto& msg = m->get_object();
      if (auto id = string_field(msg, "id")) id_ = std::string(*id);
      if (const auto* u = msg.if_contains("usage"); u && u->is_object()) usage_ = usage_from(u->get_object());
    }
    if (!role_sent_) {
      role_sent_ = true;
      out.push_back(chunk(json::object{{"role", "assistant"}, {"content", ""}}));
    }
  } else if (type == "content_block_start") {
    auto index = as_int64(data.contains("index") ? data.at("index") : json::value(0)).value_or(0);
    if (index >= 0 && static_cast<std::size_t>(index) >= block_tool_index_.size())
      block_tool_index_.resize(static_cast<std::size_t>(index) + 1, -1);
    const auto* cb = data.if_contains("content_block");
    if (!cb || !cb->is_object()) return out;
    const auto& block = cb->get_object();
    auto btype = string_field(block, "type").value_or("");
    if (btype == "text") {
      auto text = string_field(block, "text").value_or("");
      if (!text.empty()) out.push_back(chunk(json::object{{"content", text}}));
    } else if (btype == "tool_use") {
      tool_index_ += 1;
      if (index >= 0) block_tool_index_[static_cast<std::size_t>(index)] = tool_index_;
      json::object fn{{"name", string_field(block, "name").value_or("")}, {"arguments", ""}};
      json::object call{{"index", tool_index_},
                        {"id", string_field(block, "id").value_or("")},
                        {"type", "function"},
                        {"function", std::move(fn)}};
      out.push_back(chunk(json::object{{"tool_calls", json::array{std::move(call)}}}));
    }
  } else if (type == "content_block_delta") {
    auto index = as_int64(data.contains("index") ? data.at("index") : json::value(0)).value_or(0);
    const auto* d = data.if_contains("delta");
    if (!d || !d->is_object()) return out;
    const auto& delta = d->get_object();
    auto dtype = string_field(delta, "type").value_or("");
    if (dtype == "text_delta") {
      auto text = string_field(delta, "text").value_or("");
      if (!text.empty()) out.push_back(chunk(json::object{{"content", text}}));
    } else if (dtype == "input_json_delta") {
      auto partial = string_field(delta, "partial_json").value_or("");
      int t = (index >= 0 && static_cast<std::size_t>(index) < block_tool_index_.size())
                  ? block_tool_index_[static_cast<std::size_t>(index)]
                  : tool_index_;
      if (!partial.empty() && t >= 0) {
        json::object call{{"index", t}, {"function", json::object{{"arguments", partial}}}};
        out.push_back(chunk(json::object{{"tool_calls", json::array{std::move(call)}}}));
      }
    } else if (dtype == "thinking_delta") {
      auto text = string_field(delta, "thinking").value_or("");
      if (!text.empty()) out.push_back(chunk(json::object{{"reasoning_content", text}}));
    }
  } else if (type == "message_delta") {
    if (const auto* u = data.if_contains("usage"); u && u->is_object()) {
      const auto& uo = u->get_object();
      if (const auto* o = uo.if_contains("output_tokens")) usage_.completion_tokens = as_int64(*o).value_or(0);
      if (uo.contains("input_tokens")) usage_.prompt_tokens = usage_from(uo).prompt_tokens;
    }
    std::string_view stop = "end_turn";
    if (const auto* d = data.if_contains("delta"); d && d->is_object())
      stop = string_field(d->get_object(), "stop_reason").value_or("end_turn");
    out.push_back(chunk(json::object{}, finish_reason_for(stop)));
  } else if (type == "message_stop") {
    if (include_usage_) out.push_back(kaos::to_json(openai::make_usage_chunk(id_, created_, model_, usage_)));
    done_ = true;
  } else if (type == "error") {
    std::string_view msg = "upstream stream error";
    std::string_view etype = openai::kApiError;
    if (const auto* e = data.if_contains("error"); e && e->is_object()) {
      msg = string_field(e->get_object(), "message").value_or(msg);
      etype = string_field(e->get_object(), "type").value_or(etype);
    }
    out.push_back(openai::error_json(msg, etype));
    failed_ = true;
  }
  // ping and unknown events: nothing.
  return out;
}

}  // namespace kaos::protocol::anthropic
