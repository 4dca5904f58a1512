// Absolute http(s) URL parsing on Boost.URL, joining and percent-decoding.
#include "net/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

namespace kaos::net {

std::string Url::origin() const {
  std::string out = scheme;
  out += "://";
  if (host.find(':') != std::string::npos) {
    out += '[';
    out += host;
    out += ']';
  } else {
    out += host;
  }
  out += ':';
  out += std::to_string(port);
  return out;
}

Result<Url> parse_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    // Absolute URIs may carry a fragment; parse_uri accepts it.
    auto with_fragment = boost::urls::parse_uri(text);
    if (!with_fragment) return Error::invalid("invalid URL '" + std::string(text) + "': " + parsed.error().message());
    parsed = boost::urls::parse_absolute_uri(text.substr(0, text.find('#')));
    if (!parsed) return Error::invalid("invalid URL '" + std::string(text) + "'");
  }
  const boost::urls::url_view& u = *parsed;
  Url out;
  out.scheme = std::string(u.scheme());
  for (auto& c : out.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.scheme != "http" && out.scheme != "https")
    return Error::invalid("unsupported scheme '" + out.scheme + "' in URL '" + std::string(text) +
                          "' (use http or https)");
  if (!u.has_authority() || u.encoded_host().empty())
    return Error::invalid("URL '" + std::string(text) + "' has no host");
  if (u.host_type() == boost::urls::host_type::ipv6)
    out.host = u.host_ipv6_address().to_string();
  else
    out.host = u.host();
  if (u.has_port()) {
    auto digits = u.port();
    unsigned long value = 0;
    for (char c : digits) value = value * 10 + static_cast<unsigned long>(c - '0');
    if (digits.empty() || digits.size() > 5 || value == 0 || value > 65535)
      return Error::invalid("invalid port '" + std::string(digits) + "' in URL '" + std::string(text) + "'");
    out.port = static_cast<std::uint16_t>(value);
  } else {
    out.port = out.tls() ? 443 : 80;
  }
  out.target = std::string(u.encoded_path());
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) {
    out.target += '?';
    out.target += std::string(u.encoded_query());
  }
  return out;
}

std::string join_url(std::string_view base, std::string_view path) {
  if (path.empty()) return std::string(base);
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out;
  out.reserve(base.size() + path.size() + 1);
  out.append(base).append("/").append(path);
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view s, bool plus_as_space) {
  // Nothing to decode (every request path of an API client): one copy, no per-char appends.
  if (s.find('%') == std::string_view::npos && (!plus_as_space || s.find('+') == std::string_view::npos))
    return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_as_space && c == '+') ? ' ' : c;
  }
  return out;
}

}  // namespace kaos::net
