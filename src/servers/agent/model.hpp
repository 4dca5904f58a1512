#pragma once
// What the loop asks of a model: given the conversation (OpenAI chat messages) and the tool
// definitions, the next assistant turn — text or tool calls. Three implementations:
// - native: OpenAI function calling against MODEL_API_URL (TOOL_CALL_MODE auto/native);
// - string: for models without function calling — tools described in the system prompt, calls
//   parsed from the reply's JSON (TOOL_CALL_MODE=string, KAOS-REFERENCE §2.6);
// - mock: DEBUG_MOCK_RESPONSES (§2.7), which is how KAOS's e2e tests run without an LLM.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "clients/openai/chat_client.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "net/http.hpp"
#include "servers/agent/config.hpp"

namespace kaos::agent {

using clients::openai::ToolCall;

struct ModelReply {
  std::string content;
  std::vector<ToolCall> tool_calls;
  protocol::openai::Usage usage;
  bool has_usage = false;
};

/// The tool definitions of a model call: the OpenAI `tools` array and its JSON text, serialized
/// once (per tool catalogue) so that a model call appends the text instead of copying and
/// re-serializing the array.
struct ToolDefinitions {
  ToolDefinitions() = default;
  /// Keeps `tools` and serializes it (`text` stays empty for an empty array).
  explicit ToolDefinitions(json::array tools);
  json::array array;
  std::string text;
};

/// The body of a native chat request as text: {"model":…,"messages":…[,"tools":…]}, the
/// messages serialized straight into it and the tools' text appended (no tools key without any).
std::string chat_request_body(const std::string& model, const json::array& messages, const ToolDefinitions& tools);

/// One run's conversation with the model. A fresh session per request: the mock's list of
/// responses restarts with every request, as KAOS's does.
class ModelSession {
 public:
  virtual ~ModelSession() = default;
  virtual net::Task<Result<ModelReply>> complete(const json::array& messages, const ToolDefinitions& tools,
                                                 const net::Headers& headers) = 0;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual std::unique_ptr<ModelSession> session() = 0;
  /// The model id for metrics and logs ("mock" for DEBUG_MOCK_RESPONSES).
  virtual const std::string& label() const = 0;
};

/// Picks the implementation the configuration asks for. `chat` must outlive the model.
std::unique_ptr<Model> make_model(const AgentConfig& config, clients::openai::ChatClient* chat);

// ---- exposed for unit tests ------------------------------------------------------------

/// A mock response, in every format KAOS has used (docs/agent.md, "DEBUG_MOCK_RESPONSES"):
/// {"tool_calls":[{"id"?,"name","arguments"}]} → tool calls; {"tool": T, "arguments": A} → a
/// call of T; text holding a ```tool_call block {"tool","arguments"} → that call, or a
/// ```delegate block {"agent": P, "task": X} → a call of delegate_to_P {"task": X} (the text
/// around the block is the reply's content); anything else → text. Ids default to mock_<name>.
ModelReply mock_reply(const std::string& response);

/// String mode: the tool catalogue appended to the system prompt.
std::string string_mode_tool_prompt(const json::array& tools);
/// String mode: native history → plain chat messages (assistant tool calls as their JSON,
/// tool results as user "Tool result: ..."), the tool prompt added to the system message.
json::array string_mode_messages(const json::array& messages, const json::array& tools);
/// String mode: tool calls found in a reply (KAOS's older ```tool_call / ```delegate blocks,
/// fenced ```json```, bare JSON, {"tool_calls":[...]}, {"name","arguments"} or
/// {"tool","arguments"}); none → the reply is the answer.
std::vector<ToolCall> parse_string_mode_calls(std::string_view text);

}  // namespace kaos::agent
