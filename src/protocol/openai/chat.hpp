#pragma once
// OpenAI chat completions: request validation, usage extraction, chunk/response builders.
// Requests stay Boost.JSON values (the gateway forwards them); these functions check the
// shape strictly enough that a bad request gets a 400 naming the field, and read the few
// fields the gateway needs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "protocol/openai/errors.hpp"

namespace kaos::protocol::openai {

/// What the gateway needs from a chat request.
struct ChatRequestInfo {
  std::string_view model;  ///< points into the validated object
  bool stream = false;
  bool include_usage = false;  ///< stream_options.include_usage
};

/// Validates a chat completion request: `model` non-empty string, `messages` non-empty array
/// of objects with a string `role` among system/developer/user/assistant/tool/function,
/// `content` string/array/null, `stream` bool, `tools` array, `stream_options` object.
/// Other fields pass through unchecked.
std::optional<FieldError> validate_chat_request(const json::object& req, ChatRequestInfo& info);

/// Token usage as OpenAI reports it.
struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total() const { return prompt_tokens + completion_tokens; }
};

/// Reads `usage` from a response or chunk object; nullopt when absent or null.
std::optional<Usage> usage_of(const json::object& obj);
json::object usage_json(const Usage& u);
/// Finds the last `"usage":{...}` in serialized JSON text and parses only that object — a
/// cheap way to read token counts from a response or chunk the gateway forwards verbatim.
/// nullopt when absent, null or malformed.
std::optional<Usage> extract_usage(std::string_view json_text);

/// The text of a message's `content`: a string, or the `text` parts of an array joined
/// without separator; empty for null/absent.
std::string content_text(const json::value* content);

/// Whether a choice carries `"logprobs": null`. OpenAI (and the gateway, which stands in for it)
/// always sends the field; KAOS's agent leaves it out of its answer (KAOS-REFERENCE §2.3).
enum class Logprobs { null_field, omitted };

/// The response envelope: {"id","object":"chat.completion","created","model","choices":[...],
/// "usage"} with one choice {index 0, message, logprobs (as `logprobs` says), finish_reason}.
json::object make_completion(std::string_view id, std::int64_t created, std::string_view model, json::object message,
                             std::string_view finish_reason, const Usage& usage,
                             Logprobs logprobs = Logprobs::null_field);

/// The chunk envelope: {"id","object":"chat.completion.chunk","created","model","choices":[...]}
/// with one choice {index 0, delta, finish_reason (null when empty)}.
json::object make_chunk(std::string_view id, std::int64_t created, std::string_view model, json::object delta,
                        std::string_view finish_reason = {});
/// The final usage-only chunk (stream_options.include_usage): empty choices plus usage.
json::object make_usage_chunk(std::string_view id, std::int64_t created, std::string_view model, const Usage& u);

/// SSE framing for one chunk and the terminator.
std::string sse_data(std::string_view json_text);
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";

/// Seconds since the epoch (OpenAI `created`).
std::int64_t unix_now();

}  // namespace kaos::protocol::openai
