#pragma once
// The server's request framing as a function of bytes, without a socket: the Beast parser with
// the server's header and body limits, its read loop (detail/http_read.hpp) and its conversion
// to Request with the header checks (detail/request_framing.hpp). For the fuzz target
// fuzz/http_request_fuzz.cpp and tests; connections (server_session.cpp) run the same parts.
#include <string>
#include <string_view>
#include <vector>

#include "net/http.hpp"
#include "net/server.hpp"

namespace kaos::net {

struct FramedRequests {
  std::vector<Request> requests;  ///< complete requests, in order, until the connection would close
  int reject_status = 0;          ///< 400, 413 or 431: the server answers it and closes; 0: no answer
  std::string reject_message;     ///< the message of that answer
};

/// Reads requests from `bytes` as one connection would (keep-alive: the next request follows
/// the previous one; `Connection: close` or HTTP/1.0 without keep-alive ends it), delivering at
/// most `read_chunk` bytes per read (0: everything at once). EOF ends the connection.
FramedRequests frame_requests(std::string_view bytes, const ServerOptions& options, std::size_t read_chunk = 0);

}  // namespace kaos::net
