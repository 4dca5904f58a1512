#pragma once
// Request framing shared by connections (server_session.cpp) and frame_requests
// (request_framing.cpp): what a parse error is answered with, and the parsed message as a
// Request.
#include <optional>
#include <string>

#include "net/detail/beast.hpp"
#include "net/http.hpp"
#include "net/server.hpp"

namespace kaos::net::detail {

/// Converts a parsed request. Throws std::invalid_argument for a field Beast let through that
/// Headers refuses (CR, LF or NUL in a value): the server answers 400 and closes.
Request to_request(http::request<http::string_body>& msg, const std::string& remote);

struct FramingReject {
  int status;
  std::string message;
};

/// The answer to a read that ended with `ec`: 431, 413 or 400, or nullopt when the connection
/// just closes (the client went away or sent nothing).
std::optional<FramingReject> framing_reject(const boost::system::error_code& ec, const ServerOptions& opts);

}  // namespace kaos::net::detail
