#pragma once
// Tools, resources and prompts as the native server (McpServer) serves them. A runtime (the
// built-in `everything` toolset, python-string) fills a Catalog; the server lists and calls.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/task.hpp"

namespace kaos::mcp {

using net::Task;

/// What a tool call returns: MCP content blocks, optional structured content, and whether the
/// call failed (a failure the model should read, not a protocol error).
struct ToolResult {
  json::array content;
  std::optional<json::value> structured;
  bool is_error = false;

  static ToolResult text(std::string_view text);
  static ToolResult error(std::string_view message);
  json::object to_json() const;
};

/// What a running tool call may do besides returning: report progress, log to the client,
/// ask the client (sampling, elicitation), notice cancellation. Used from the call's coroutine.
class CallContext {
 public:
  virtual ~CallContext() = default;
  /// The request's `_meta.progressToken`, or null.
  virtual const json::value& progress_token() const = 0;
  /// Sends notifications/progress (only when the client sent a progress token).
  virtual void progress(double progress, std::optional<double> total, std::string_view message = {}) = 0;
  /// Sends notifications/message when `level` passes the session's logging/setLevel threshold.
  virtual void log(std::string_view level, const json::value& data, std::string_view logger = {}) = 0;
  /// The client's capabilities from initialize (e.g. to check "sampling" / "elicitation").
  virtual const json::object& client_capabilities() const = 0;
  /// Sends a server-to-client request (sampling/createMessage, elicitation/create, roots/list)
  /// on this call's stream and waits for the client's answer. Errors: "timeout", "cancelled",
  /// or "remote" carrying the client's JSON-RPC error message.
  virtual Task<Result<json::value>> request(std::string_view method, json::value params,
                                            std::chrono::milliseconds timeout) = 0;
  /// Ends the SSE stream carrying this call (the client resumes with GET + Last-Event-ID).
  virtual void close_stream() = 0;
};

struct Tool {
  std::string name;
  std::string title;
  std::string description;
  json::object input_schema{{"type", "object"}, {"properties", json::object{}}};
  std::optional<json::object> output_schema;
  std::optional<json::object> annotations;
  /// Called with arguments already validated against input_schema. An exception thrown by
  /// the handler becomes an isError result carrying its message.
  std::function<Task<ToolResult>(const json::object& arguments, CallContext& context)> handler;

  json::object describe() const;  ///< the tools/list entry
};

struct ResourceContents {
  std::string uri;
  std::string mime_type;
  std::optional<std::string> text;
  std::optional<std::string> blob_base64;
  json::object to_json() const;
};

struct Resource {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  std::function<Task<Result<std::vector<ResourceContents>>>(const std::string& uri)> read;
  json::object describe() const;
};

/// A URI template (RFC 6570 level 1: `{var}` segments) with a reader for matching URIs.
struct ResourceTemplate {
  std::string uri_template;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  std::function<Task<Result<std::vector<ResourceContents>>>(const std::string& uri,
                                                            const std::map<std::string, std::string>& variables)>
      read;
  json::object describe() const;
  /// The variables when `uri` matches the template.
  std::optional<std::map<std::string, std::string>> match(std::string_view uri) const;
};

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
  /// Values offered by completion/complete (filtered by the typed prefix).
  std::vector<std::string> suggestions;
};

struct Prompt {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  /// Returns the `messages` array. Errors ("invalid") become JSON-RPC invalid-params errors.
  std::function<Task<Result<json::array>>(const std::map<std::string, std::string>& arguments)> get;
  json::object describe() const;
};

}  // namespace kaos::mcp
