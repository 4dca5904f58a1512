#pragma once
// The model client of the agent runtime: POST {base}/chat/completions (non-streaming) against
// any OpenAI-compatible API — a KAOS ModelAPI gateway, OpenAI itself, vLLM, Ollama.
//
// Contract: one call has one deadline; cancelling the awaiting coroutine aborts the request.
// Error kinds: connect, timeout, cancelled, io (from net::HttpClient), upstream (a non-2xx
// answer: http_status, and the message carries the status and the provider's error text),
// protocol (a 2xx answer that is not a chat.completion).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/client.hpp"
#include "protocol/openai/chat.hpp"

namespace kaos::clients::openai {

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  ///< JSON text as the model wrote it (may be invalid: the caller checks)
};

/// The first choice of a chat completion.
struct ChatReply {
  std::string content;
  std::vector<ToolCall> tool_calls;
  std::string finish_reason;
  std::string model;
  protocol::openai::Usage usage;
  bool has_usage = false;
};

/// Parses a chat.completion body; "protocol" error naming what is missing.
Result<ChatReply> parse_chat_completion(std::string_view body);

/// MODEL_API_URL → the base the OpenAI client libraries use: "/v1" appended unless the URL
/// already ends with it (KAOS's runtime does the same); trailing slashes dropped.
std::string chat_base_url(std::string_view model_api_url);

class ChatClient {
 public:
  /// `base_url` as chat_base_url returns it. `api_key`, when set, is sent as the Bearer token
  /// (replacing an Authorization header given per call).
  ChatClient(net::HttpClient& http, std::string base_url, std::string api_key = {});

  /// Sends `body` (model, messages, tools, ...) and parses the answer. `headers` are added
  /// (traceparent, Authorization of the caller, ...).
  net::Task<Result<ChatReply>> complete(const json::object& body, const net::Headers& headers,
                                        std::chrono::milliseconds timeout);
  /// The same with the body already serialized (a JSON object's text), for callers that build
  /// it without an intermediate json::object.
  net::Task<Result<ChatReply>> complete_raw(std::string body, const net::Headers& headers,
                                            std::chrono::milliseconds timeout);

  const std::string& base_url() const { return base_url_; }

 private:
  net::HttpClient& http_;
  std::string base_url_;
  std::string url_;
  std::string api_key_;
};

}  // namespace kaos::clients::openai
