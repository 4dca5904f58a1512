#pragma once
// HTTP messages as our code sees them: plain strings, no Beast types. The server and client
// in this folder translate to and from the wire.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/task.hpp"

namespace kaos::net {

/// Header list; names compare case-insensitively, order and duplicates are preserved.
class Headers {
 public:
  struct Field {
    std::string name;
    std::string value;
  };
  /// First value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  /// Replaces every field named `name` with one field. Throws std::invalid_argument when the
  /// value holds CR, LF or NUL, or the name is not an HTTP token: a value that came from a
  /// request must be validated before it is echoed, and a bug must not split the response.
  void set(std::string_view name, std::string_view value);
  /// Appends a field (duplicates allowed, e.g. Set-Cookie); the same checks as `set`.
  void add(std::string_view name, std::string_view value);
  void erase(std::string_view name);
  void reserve(std::size_t n) { fields_.reserve(n); }
  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

bool iequals(std::string_view a, std::string_view b);

/// An inbound request, fully read (body included) before the handler runs.
struct Request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< as sent: "/v1/models?x=1"
  std::string path;    ///< target without the query, percent-decoded
  std::string query;   ///< raw query string without '?'
  Headers headers;
  std::string body;
  std::map<std::string, std::string, std::less<>> params;  ///< path parameters from the route
  std::string remote_address;
  /// The accepted socket's own address ("127.0.0.1:8000", "::1:8000"): which interface the
  /// request arrived on, whatever the listening address (browser safety decides by it).
  std::string local_address;

  /// Decoded value of query parameter `name`, or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
};

class BodyWriter;

/// What a handler returns. A plain response has `body`; a streamed one sets `stream`, and the
/// server sends the headers (chunked transfer encoding) and then runs `stream`, which writes
/// the body piece by piece. Each write is flushed to the socket before it completes.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::function<Task<void>(BodyWriter&)> stream;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
  static Response empty(int status);
  /// `{"detail": message}`: the error shape of KAOS's FastAPI servers, and this router's default
  /// for the errors it answers itself. Built here, below every server, so there is one builder.
  static Response detail(int status, std::string_view message);
};

/// The body of a streamed response. Implemented by the server per connection.
/// Thread-safety: use only from the handler's coroutine.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  /// Sends `data` as one chunk and waits until the socket took it. Returns false when the
  /// client has gone away (the handler should stop and release upstream work).
  virtual Task<bool> write(std::string_view data) = 0;
  /// True once a write failed or the client closed its side.
  virtual bool client_gone() const = 0;
};

/// Writes Server-Sent Events (text/event-stream) on a BodyWriter, one flushed event per call.
class SseWriter {
 public:
  explicit SseWriter(BodyWriter& out) : out_(out) {}
  /// `data` may hold newlines: each line becomes its own `data:` field.
  Task<bool> event(std::string_view data, std::string_view event = {}, std::string_view id = {});
  /// Already-framed bytes (e.g. forwarded verbatim from an upstream SSE stream).
  Task<bool> raw(std::string_view framed) { return out_.write(framed); }
  /// A comment line, for keep-alive pings.
  Task<bool> comment(std::string_view text);
  /// Formats one event without sending it.
  static std::string format(std::string_view data, std::string_view event = {}, std::string_view id = {});

 private:
  BodyWriter& out_;
};

/// Headers a streamed SSE response carries (content type, no caching, no proxy buffering).
Response sse_response(int status = 200);

/// A reason phrase for a status code ("Not Found").
std::string_view status_reason(int status);

}  // namespace kaos::net
