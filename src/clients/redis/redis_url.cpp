// parse_redis_url: the MEMORY_REDIS_URL forms KAOS accepts (redis-py's from_url, minus TLS
// and query options).
#include <charconv>

#include "clients/redis/redis_client.hpp"
#include "net/url.hpp"

namespace kaos::clients::redis {
namespace {

constexpr std::string_view kScheme = "redis://";

// The URL for messages, with the password (if any) replaced by "***".
std::string masked(std::string_view url) {
  const auto at = url.rfind('@');
  if (!url.starts_with(kScheme) || at == std::string_view::npos) return std::string(url);
  const auto colon = url.find(':', kScheme.size());
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Error bad(std::string_view url, std::string_view why) {
  return Error::invalid("redis URL '" + masked(url) + "': " + std::string(why));
}

template <class Int>
bool parse_int(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string RedisEndpoint::address() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<RedisEndpoint> parse_redis_url(std::string_view url) {
  constexpr std::string_view kExpected = "expected redis://[[user]:password@]host[:port][/db]";
  if (url.starts_with("rediss://")) return bad(url, "TLS (rediss://) is not supported; use redis://");
  if (url.starts_with("unix://")) return bad(url, "unix sockets are not supported; use redis://host:port");
  if (!url.starts_with(kScheme)) return bad(url, kExpected);
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos)
    return bad(url, "query and fragment options are not supported; " + std::string(kExpected));

  RedisEndpoint ep;
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = authority.size() < rest.size() ? rest.substr(authority.size() + 1) : "";

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      // redis-py reads "redis://secret@host" as a password without a user.
      ep.password = net::percent_decode(userinfo);
    } else {
      ep.user = net::percent_decode(userinfo.substr(0, colon));
      ep.password = net::percent_decode(userinfo.substr(colon + 1));
    }
  }

  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad(url, "unterminated '[' in the IPv6 host");
    ep.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return bad(url, kExpected);
    if (!after.empty()) port_text = after.substr(1);
    if (after == ":") return bad(url, "empty port; " + std::string(kExpected));
  } else {
    const auto colon = authority.find(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad(url, "empty port; " + std::string(kExpected));
    }
  }
  if (ep.host.empty()) return bad(url, "missing host; " + std::string(kExpected));
  if (!port_text.empty()) {
    unsigned port = 0;
    if (!parse_int(port_text, port) || port == 0 || port > 65535)
      return bad(url, "port '" + std::string(port_text) + "' is not a number in 1..65535");
    ep.port = static_cast<std::uint16_t>(port);
  }
  if (!path.empty()) {
    if (!parse_int(path, ep.db) || ep.db < 0)
      return bad(url, "database '" + std::string(path) + "' is not a non-negative integer (/0, /1, ...)");
  }
  return ep;
}

}  // namespace kaos::clients::redis
