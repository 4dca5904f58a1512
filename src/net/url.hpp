#pragma once
// URLs for outbound calls: http(s)://host[:port][/path][?query].
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace kaos::net {

struct Url {
  std::string scheme;      ///< "http" or "https"
  std::string host;        ///< without brackets for IPv6
  std::uint16_t port = 0;  ///< explicit or the scheme's default
  std::string target;      ///< path + query, at least "/"

  bool tls() const { return scheme == "https"; }
  /// "scheme://host:port", the connection-pool key.
  std::string origin() const;
};

/// Parses an absolute http or https URL. Errors name the problem ("unsupported scheme 'ftp'").
Result<Url> parse_url(std::string_view text);

/// Joins a base URL and a path without doubling or dropping slashes:
/// join_url("http://a/v1/", "/chat") == "http://a/v1/chat".
std::string join_url(std::string_view base, std::string_view path);

/// Percent-decodes (for query parameters, '+' becomes space when `plus_as_space`).
std::string percent_decode(std::string_view s, bool plus_as_space = false);

}  // namespace kaos::net
