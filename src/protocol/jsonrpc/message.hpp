#pragma once
// JSON-RPC 2.0 (jsonrpc.org/specification) messages: parsing with the spec's error answers, and
// serialization. Data only, no I/O. MCP and A2A sit on top of this.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace kaos::protocol::jsonrpc {

/// The spec's reserved error codes.
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
};

struct ErrorObject {
  int code = kInternalError;
  std::string message;
  std::optional<json::value> data;
};

/// One well-formed message. Which fields mean something depends on `kind`.
struct Message {
  enum class Kind { request, notification, response, error };
  Kind kind = Kind::request;
  json::value id;      ///< string, number or null; null for notifications
  std::string method;  ///< request, notification
  json::value params;  ///< object, array, or null when absent (request, notification)
  json::value result;  ///< response
  ErrorObject error;   ///< error
};

/// One element of what a peer sent: a message, or the error answer the spec requires for it
/// (`reply_id` is the id to answer with: the element's id when it could be read, else null).
struct Incoming {
  std::optional<Message> message;
  std::optional<ErrorObject> rejection;
  json::value reply_id;
};

/// Parsed body: `batch` tells whether the peer sent an array (answers then go back as an array,
/// and only for elements that need one).
struct IncomingBatch {
  bool batch = false;
  std::vector<Incoming> items;
};

/// Parses a body. Invalid JSON gives one rejection with kParseError; an empty batch gives one
/// rejection with kInvalidRequest; each invalid element of a batch gives its own rejection.
/// `max_batch` bounds the number of elements (more is one kInvalidRequest rejection).
IncomingBatch parse(std::string_view body, std::size_t max_batch = 1000);

/// Checks one already-parsed JSON value (e.g. an element of a batch).
Incoming parse_value(const json::value& v);

std::string request_json(const json::value& id, std::string_view method, const json::value& params = nullptr);
std::string notification_json(std::string_view method, const json::value& params = nullptr);
std::string result_json(const json::value& id, const json::value& result);
std::string error_json(const json::value& id, const ErrorObject& error);
json::object error_object(const json::value& id, const ErrorObject& error);

}  // namespace kaos::protocol::jsonrpc
