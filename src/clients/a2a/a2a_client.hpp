#pragma once
// A2A client over JSON-RPC: agent-card discovery, raw calls, and the send/get/list/cancel
// conveniences used by the agent's delegation tools and the CLI, plus the OpenAI-compatible
// chat fallback KAOS uses when a peer's A2A endpoint fails.
//
// Error kinds: rpc — the peer answered a JSON-RPC error (message = its message, e.g. "Task
// not found: t1"; rpc_code = its code); http — a non-2xx status (http_status); protocol — a
// body that is not the JSON we expect; plus net::HttpClient's connect, timeout, io, cancelled.
// Thread-safety: as net::HttpClient (calls may run concurrently); the client holds no state.
#include <chrono>
#include <string>

#include "core/json.hpp"
#include "net/client.hpp"
#include "protocol/a2a/a2a.hpp"

namespace kaos::clients::a2a {

inline constexpr std::chrono::milliseconds kDefaultTimeout{60'000};  // KAOS RemoteAgent

class A2aClient {
 public:
  /// `http` must outlive the client.
  explicit A2aClient(net::HttpClient& http) : http_(http) {}

  /// GETs `<base_url>/.well-known/agent-card.json` (A2A 1.0), then, when that is not a 2xx,
  /// `<base_url>/.well-known/agent.json` (0.3 / KAOS). The error names both attempts.
  net::Task<Result<protocol::a2a::CardView>> fetch_card(std::string base_url, net::Headers headers = {},
                                                        std::chrono::milliseconds timeout = kDefaultTimeout);

  /// One JSON-RPC request to `jsonrpc_url`; its `result`, or an "rpc" error.
  net::Task<Result<json::value>> call(std::string jsonrpc_url, std::string method, json::value params,
                                      net::Headers headers = {}, std::chrono::milliseconds timeout = kDefaultTimeout);

  /// Sends `text` as a user message (A2A 1.0 `SendMessage` unless `dialect` says otherwise)
  /// and returns the reply text (protocol::a2a::reply_text). `context_id` may be empty.
  net::Task<Result<std::string>> send_message(std::string jsonrpc_url, std::string text, std::string context_id,
                                              json::object metadata, net::Headers headers = {},
                                              std::chrono::milliseconds timeout = kDefaultTimeout,
                                              protocol::a2a::Dialect dialect = protocol::a2a::Dialect::v1);

  /// `GetTask` / `ListTasks` / `CancelTask` (or the KAOS aliases for Dialect::kaos): the
  /// result JSON as the peer sent it.
  net::Task<Result<json::value>> get_task(std::string jsonrpc_url, std::string task_id, net::Headers headers = {},
                                          std::chrono::milliseconds timeout = kDefaultTimeout,
                                          protocol::a2a::Dialect dialect = protocol::a2a::Dialect::v1);
  net::Task<Result<json::value>> list_tasks(std::string jsonrpc_url, json::object params, net::Headers headers = {},
                                            std::chrono::milliseconds timeout = kDefaultTimeout,
                                            protocol::a2a::Dialect dialect = protocol::a2a::Dialect::v1);
  net::Task<Result<json::value>> cancel_task(std::string jsonrpc_url, std::string task_id, net::Headers headers = {},
                                             std::chrono::milliseconds timeout = kDefaultTimeout,
                                             protocol::a2a::Dialect dialect = protocol::a2a::Dialect::v1);

  /// KAOS's fallback: POST `<base_url>/v1/chat/completions` with
  /// `{"model", "messages", "stream": false}`; the first choice's message content.
  net::Task<Result<std::string>> chat_fallback(std::string base_url, std::string model, json::array messages,
                                               net::Headers headers = {},
                                               std::chrono::milliseconds timeout = kDefaultTimeout);

 private:
  net::HttpClient& http_;
};

/// `url` without trailing slashes.
std::string trim_base_url(std::string url);

}  // namespace kaos::clients::a2a
