#pragma once
// Bearer keys on a server: the one comparison (constant time) and the middleware that requires
// a key on every route but the probes.
#include <optional>
#include <string>
#include <string_view>

#include "net/browser_safety.hpp"

namespace kaos::net {

/// Whether `given` equals `expected`, in time that depends on the length of `expected` only
/// (not on where the two differ): a key cannot be guessed byte by byte through timing.
bool constant_time_equal(std::string_view given, std::string_view expected);

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive), or nullopt.
std::optional<std::string_view> bearer_token(const Request& req);

/// Requires `Authorization: Bearer <key>` on every path but the probes (`is_probe_path`);
/// otherwise 401, built by `shape` in the route's error shape, with `WWW-Authenticate: Bearer`.
/// `key` empty: no check (keys are off by default, as in KAOS). After a match the Authorization
/// header is removed from the request: the key is this hop's, and nothing downstream (a model
/// call, a tool call, a peer agent) may forward it.
Middleware api_key_middleware(std::string key, RefusalShaper shape, std::string_view key_variable);

}  // namespace kaos::net
