#pragma once
// Result<T>: a value or an Error, for library code that must not throw across its boundary.
// A small stand-in for std::expected (GCC 12 lacks it); the API follows std::expected's names
// so the switch later is mechanical.
#include <cassert>
#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kaos {

/// What kind of failure an Error is: the part code branches on. One enumerator per kind the
/// tree produces; to_string gives the short name used in logs ("connect", "timeout", ...).
enum class ErrorKind {
  invalid,          ///< bad input: a field, flag, manifest or request the caller can fix
  not_found,        ///< the named thing does not exist
  io,               ///< a read or write failed part-way (socket, pipe, file, a stream that broke)
  timeout,          ///< no answer before the deadline
  cancelled,        ///< the caller (or shutdown) cancelled the operation
  connect,          ///< the peer could not be reached (refused, DNS, TLS handshake, 502–504 from a proxy)
  http,             ///< the peer answered with an HTTP error status (`http_status` says which)
  rpc,              ///< an A2A peer answered with a JSON-RPC error object (`rpc_code`)
  remote,           ///< an MCP peer answered with a JSON-RPC error object (`rpc_code`)
  protocol,         ///< the peer's answer breaks its protocol (malformed JSON, missing fields)
  too_large,        ///< a body, line or event exceeds its limit
  session_expired,  ///< an MCP server no longer knows our session (HTTP 404 with a session id)
  gone,             ///< the stream a request would be sent on has ended
  unavailable,      ///< the resource exists but cannot serve now (not ready, all slots busy)
  upstream,         ///< a model API answered with an error status (`http_status`)
  agent,            ///< an agent reported a failure inside an otherwise good answer (a stream error event)
};

/// The short name of a kind ("not_found"), for logs and JSON.
std::string_view to_string(ErrorKind kind);
/// Prints to_string(kind) (for test failure messages).
std::ostream& operator<<(std::ostream& out, ErrorKind kind);

/// What went wrong: `kind` for code to branch on, `message` for a human (it names the field or
/// input and, where possible, the fix). No behaviour may depend on the message's text: a
/// producer that knows more sets `http_status` or `rpc_code`, and callers test those.
struct Error {
  ErrorKind kind = ErrorKind::invalid;
  std::string message;
  /// The HTTP status of the answer that failed, where the producer got one (kinds http,
  /// upstream, session_expired; connect when a proxy answered 502–504).
  std::optional<int> http_status;
  /// The JSON-RPC error code the peer answered with (kinds rpc and remote).
  std::optional<int> rpc_code;
  /// A machine-readable reason code the peer's protocol gave (a Kubernetes Status.reason:
  /// "NotFound", "Conflict", "AlreadyExists", "Expired", "Invalid", "Forbidden",
  /// "TooManyRequests", ...); empty when it gave none. Code may branch on it, never on `message`.
  std::string reason;
  /// How long the peer asked us to wait before trying again (Retry-After, or a protocol's own
  /// field such as a Kubernetes Status's details.retryAfterSeconds).
  std::optional<std::chrono::seconds> retry_after;

  Error() = default;
  Error(ErrorKind k, std::string msg) : kind(k), message(std::move(msg)) {}

  static Error invalid(std::string msg) { return {ErrorKind::invalid, std::move(msg)}; }
  static Error not_found(std::string msg) { return {ErrorKind::not_found, std::move(msg)}; }
  static Error io(std::string msg) { return {ErrorKind::io, std::move(msg)}; }
  static Error timeout(std::string msg) { return {ErrorKind::timeout, std::move(msg)}; }
  static Error cancelled(std::string msg = "cancelled") { return {ErrorKind::cancelled, std::move(msg)}; }
  static Error connect(std::string msg) { return {ErrorKind::connect, std::move(msg)}; }
  static Error protocol(std::string msg) { return {ErrorKind::protocol, std::move(msg)}; }
  static Error too_large(std::string msg) { return {ErrorKind::too_large, std::move(msg)}; }
  /// `kind` (http unless said otherwise) with the status the peer answered.
  static Error http(int status, std::string msg, ErrorKind kind = ErrorKind::http) {
    Error e{kind, std::move(msg)};
    e.http_status = status;
    return e;
  }
  /// `kind` (rpc or remote) with the JSON-RPC error code the peer answered.
  static Error rpc(int code, std::string msg, ErrorKind kind = ErrorKind::rpc) {
    Error e{kind, std::move(msg)};
    e.rpc_code = code;
    return e;
  }

  /// The same failure (kind, status, code) told with another message: for callers that add
  /// context ("the local runtime did not answer: …") without losing what code branches on.
  Error reworded(std::string msg) const {
    Error e = *this;
    e.message = std::move(msg);
    return e;
  }
};

template <class E>
struct Unexpected {
  E error;
};
inline Unexpected<Error> unexpected(Error e) {
  return {std::move(e)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}                // NOLINT: implicit by design
  Result(Unexpected<Error> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}                    // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  const Error& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }
  Error& error() {
    assert(!has_value());
    return std::get<1>(v_);
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : T(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected<Error> e) : err_(std::move(e.error)), ok_(false) {}  // NOLINT
  Result(Error e) : err_(std::move(e)), ok_(false) {}                    // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return err_;
  }

 private:
  Error err_;
  bool ok_ = true;
};

}  // namespace kaos
