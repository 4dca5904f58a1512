#pragma once
// Anthropic Messages API (https://docs.anthropic.com/en/api/messages) ↔ OpenAI chat
// completions. Pure translation; the gateway does the I/O.
//
// Request (OpenAI → Anthropic): system/developer messages → top-level `system`; user text and
// image_url parts → text/image blocks; assistant tool_calls → tool_use blocks (arguments
// parsed as the JSON `input`); tool messages → tool_result blocks in a user turn (consecutive
// ones merged); tools → {name, description, input_schema}; tool_choice auto/required/none/
// {function} → auto/any/none/tool; parallel_tool_calls:false → disable_parallel_tool_use;
// stop → stop_sequences; max_tokens|max_completion_tokens (default kDefaultMaxTokens);
// temperature, top_p, top_k, stream, user → metadata.user_id. Other fields are dropped.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json.hpp"
#include "protocol/openai/chat.hpp"
#include "protocol/openai/errors.hpp"

namespace kaos::protocol::anthropic {

inline constexpr std::string_view kApiVersion = "2023-06-01";
inline constexpr std::int64_t kDefaultMaxTokens = 4096;

/// OpenAI chat request → Anthropic Messages request for `upstream_model`. Errors name the
/// OpenAI field that cannot be translated (e.g. tool_calls arguments that are not JSON).
std::variant<json::object, openai::FieldError> to_messages_request(const json::object& chat_request,
                                                                   std::string_view upstream_model);

/// OpenAI finish_reason for an Anthropic stop_reason (end_turn/stop_sequence/pause_turn → stop,
/// max_tokens → length, tool_use → tool_calls, refusal → content_filter).
std::string_view finish_reason_for(std::string_view stop_reason);

/// Anthropic Messages response → OpenAI chat.completion, reported under `model_alias`.
json::object to_chat_completion(const json::object& message, std::string_view model_alias);

/// Anthropic usage → OpenAI usage (prompt = input + cache read + cache creation tokens).
openai::Usage usage_from(const json::object& anthropic_usage);

/// An Anthropic error body ({"type":"error","error":{"type","message"}}) → OpenAI error JSON;
/// a body that is not that shape is wrapped as the message.
std::string to_openai_error(std::string_view body, int status);

/// Translates the Anthropic streaming events of one response into OpenAI chunk payloads
/// (the JSON text after `data: `). Feed events in order; `done()` after message_stop.
class StreamTranslator {
 public:
  StreamTranslator(std::string_view model_alias, bool include_usage);

  /// One SSE event (`event` name and parsed `data`); returns the chunk payloads it produces.
  /// An `error` event yields one OpenAI error object payload ({"error":{...}}).
  std::vector<std::string> on_event(std::string_view event, const json::object& data);

  bool done() const { return done_; }
  bool failed() const { return failed_; }
  const openai::Usage& usage() const { return usage_; }
  const std::string& id() const { return id_; }

 private:
  std::string chunk(json::object delta, std::string_view finish_reason = {});
  std::string model_;
  bool include_usage_;
  std::string id_;
  std::int64_t created_;
  openai::Usage usage_;
  int tool_index_ = -1;                // OpenAI tool_calls index of the current tool_use block
  std::vector<int> block_tool_index_;  // per Anthropic content block index: tool index or -1
  bool done_ = false;
  bool failed_ = false;
  bool role_sent_ = false;
};

}  // namespace kaos::protocol::anthropic
