#pragma once
// JSON-RPC 2.0 (jsonrpc.org/specification) messages: parsing with the spec's error answers, and
// serialization. Data only, no I/O. MCP and A2A sit on top of this.
#include <cstddef>
#include <cstdint>
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

/// A request id as the peer wrote it: a string, an integer of any size, or null. JSON-RPC
/// answers must carry the id exactly, and Boost.JSON reads integers beyond 64 bits as doubles,
/// so such an id keeps its digits (`json_text()` writes them back unchanged); `value()` is then
/// the nearest double, good for logs and as a consistent map key. Fractional and non-finite
/// numbers are not ids: parse() rejects them as Invalid Request.
class Id {
 public:
  Id() = default;
  Id(std::nullptr_t) {}                    // NOLINT(google-explicit-constructor): ids are written like values
  Id(std::int64_t n) : value_(n) {}        // NOLINT(google-explicit-constructor)
  Id(const json::value& v) : value_(v) {}  // NOLINT(google-explicit-constructor)
  Id(const char* s) : value_(json::string_view(s)) {}  // NOLINT(google-explicit-constructor)
  /// An integer id beyond 64 bits: `digits` as sent (-?[0-9]+), `approx` its double value.
  static Id big_integer(std::string digits, double approx);

  const json::value& value() const { return value_; }
  operator const json::value&() const { return value_; }  // NOLINT(google-explicit-constructor)
  bool is_null() const { return value_.is_null(); }
  bool is_string() const { return value_.is_string(); }
  /// The id's JSON text, exactly as the peer sent it.
  std::string json_text() const;

 private:
  json::value value_;
  std::string digits_;  ///< set only for an integer beyond 64 bits
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
  Id id;               ///< string, integer or null; null for notifications
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
  Id reply_id;
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

/// Checks one already-parsed JSON value (e.g. an element of a batch). `id_text`: the raw text
/// of its "id" member when the caller has it (an integer beyond 64 bits is kept exactly only
/// then; without it such an id is refused).
Incoming parse_value(const json::value& v, std::string_view id_text = {});

/// The serializers write ids exactly (Id::json_text()) and never a non-finite number (core's
/// to_json writes null for one).
std::string request_json(const Id& id, std::string_view method, const json::value& params = nullptr);
std::string notification_json(std::string_view method, const json::value& params = nullptr);
std::string result_json(const Id& id, const json::value& result);
std::string error_json(const Id& id, const ErrorObject& error);
/// The error envelope as an object; an integer id beyond 64 bits is the nearest double here
/// (use error_json() to keep it exact).
json::object error_object(const json::value& id, const ErrorObject& error);

}  // namespace kaos::protocol::jsonrpc
