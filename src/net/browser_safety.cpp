// Browser safety middleware: Host on loopback, Origin, JSON content type, CORS (see the header).
#include "net/browser_safety.hpp"

#include <algorithm>
#include <array>

namespace kaos::net {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "a.b.c.d" with four decimal parts of at most 255 whose first is 127. A name such as
/// "127.evil.example" is not an address and does not pass.
bool is_loopback_ipv4(std::string_view s) {
  int parts = 0;
  while (true) {
    std::size_t n = 0;
    int value = 0;
    while (n < s.size() && n < 4 && s[n] >= '0' && s[n] <= '9') value = value * 10 + (s[n++] - '0');
    if (n == 0 || n > 3 || value > 255) return false;
    if (parts == 0 && value != 127) return false;
    ++parts;
    s.remove_prefix(n);
    if (s.empty()) return parts == 4;
    if (s.front() != '.' || parts == 4) return false;
    s.remove_prefix(1);
  }
}

/// The host part of a Host value or an origin's authority: "Name:80" → "name", "[::1]:8" → "[::1]".
std::string host_name(std::string_view hostport) {
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    return lower(close == std::string_view::npos ? hostport : hostport.substr(0, close + 1));
  }
  return lower(hostport.substr(0, hostport.rfind(':')));
}

bool is_loopback_name(std::string_view name) {
  return name == "localhost" || name == "[::1]" || is_loopback_ipv4(name);
}

/// Whether a socket address as `Request::local_address` holds it ("127.0.0.1:8000",
/// "::1:8000", "::ffff:127.0.0.1:8000") is a loopback address.
bool is_loopback_socket_address(std::string_view address) {
  auto colon = address.rfind(':');
  std::string_view ip = colon == std::string_view::npos ? address : address.substr(0, colon);
  if (ip == "::1") return true;
  if (ip.starts_with("::ffff:")) ip.remove_prefix(7);
  return is_loopback_ipv4(ip);
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& item) { return iequals(item, value); });
}

bool host_allowed(std::string_view host, const BrowserSafetyOptions& o) {
  auto name = host_name(host);
  return is_loopback_name(name) || contains(o.allowed_hosts, name) || contains(o.allowed_hosts, host);
}

bool any_origin(const BrowserSafetyOptions& o) {
  return std::find(o.allowed_origins.begin(), o.allowed_origins.end(), "*") != o.allowed_origins.end();
}

/// "http://host:port" is the request's own origin when host:port is its Host (a default port
/// may be left out on either side).
bool own_origin(std::string_view origin, std::string_view host) {
  auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || host.empty()) return false;
  auto scheme = lower(origin.substr(0, scheme_end));
  auto authority = origin.substr(scheme_end + 3);
  if (authority.empty() || authority.find('/') != std::string_view::npos) return false;
  if (iequals(authority, host)) return true;
  std::string_view default_port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
  if (default_port.empty()) return false;
  auto with_port = std::string(authority) + std::string(default_port);
  return iequals(with_port, host) || iequals(authority, std::string(host) + std::string(default_port));
}

/// A page this very server served: a loopback origin on the port of the loopback connection
/// ("http://localhost:8000" while Host says "127.0.0.1:8000"). No other program can serve it.
bool this_server_origin(std::string_view origin, const Request& req) {
  auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || !is_loopback_socket_address(req.local_address)) return false;
  auto authority = origin.substr(scheme_end + 3);
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos || authority.find(']', colon) != std::string_view::npos) return false;
  auto local_colon = req.local_address.rfind(':');
  return is_loopback_name(host_name(authority)) && local_colon != std::string::npos &&
         authority.substr(colon + 1) == std::string_view(req.local_address).substr(local_colon + 1);
}

bool origin_allowed(std::string_view origin, const Request& req, const BrowserSafetyOptions& o) {
  if (any_origin(o)) return true;
  std::string_view bare = origin;
  if (bare.ends_with('/')) bare.remove_suffix(1);
  return contains(o.allowed_origins, bare) || own_origin(bare, req.headers.get("Host").value_or("")) ||
         this_server_origin(bare, req);
}

bool is_json_media_type(std::string_view content_type) {
  auto media = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (media == "application/json") return true;
  return media.starts_with("application/") && media.ends_with("+json");
}

bool carries_body(const Request& req) {
  return req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
}

Response preflight(const Request& req, std::string_view origin, const BrowserSafetyOptions& o) {
  Response pre = Response::empty(204);
  pre.headers.set("Access-Control-Allow-Origin", any_origin(o) ? std::string_view("*") : origin);
  pre.headers.set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  if (auto asked = req.headers.get("Access-Control-Request-Headers"))
    pre.headers.set("Access-Control-Allow-Headers", *asked);
  pre.headers.set("Access-Control-Max-Age", "600");
  pre.headers.set("Vary", "Origin");
  return pre;
}

std::optional<BrowserRefusal> check_host(const Request& req, const BrowserSafetyOptions& options) {
  auto host = req.headers.get("Host").value_or("");
  if (!is_loopback_socket_address(req.local_address) || host_allowed(host, options)) return std::nullopt;
  return BrowserRefusal{403, "Host '" + std::string(host) +
                                 "' is not a loopback name, and this request arrived on a loopback address "
                                 "(DNS-rebinding protection); allow the name with --allowed-hosts or "
                                 "KAOS_ALLOWED_HOSTS"};
}

}  // namespace

bool is_probe_path(std::string_view path) {
  static constexpr std::array<std::string_view, 7> kProbes = {
      "/health", "/ready", "/healthz", "/readyz", "/health/liveliness", "/health/liveness", "/health/readiness"};
  return std::find(kProbes.begin(), kProbes.end(), path) != kProbes.end();
}

std::optional<BrowserRefusal> check_browser_safety(const Request& req, const BrowserSafetyOptions& options) {
  if (auto refusal = check_host(req, options)) return refusal;
  if (is_probe_path(req.path)) return std::nullopt;
  if (auto origin = req.headers.get("Origin"); origin && !origin_allowed(*origin, req, options)) {
    return BrowserRefusal{403, "Origin '" + std::string(*origin) +
                                   "' is not allowed (cross-origin requests from web pages are refused); "
                                   "allow it with --allowed-origins or KAOS_ALLOWED_ORIGINS"};
  }
  if (carries_body(req) && !contains(options.non_json_paths, req.path)) {
    auto type = req.headers.get("Content-Type");
    if ((type || !req.body.empty()) && !is_json_media_type(type.value_or(""))) {
      return BrowserRefusal{415, "Content-Type must be application/json (got '" + std::string(type.value_or("")) +
                                     "'); a request body on this server is JSON"};
    }
  }
  return std::nullopt;
}

Middleware browser_safety_middleware(BrowserSafetyOptions options, RefusalShaper shape) {
  return [o = std::move(options), shape = std::move(shape)](Request& req, const Handler& next) -> Task<Response> {
    auto origin = req.headers.get("Origin");
    if (req.method == "OPTIONS" && origin && req.headers.has("Access-Control-Request-Method")) {
      // A preflight: the Host rule first, then an answer for allowed origins only.
      if (auto refusal = check_host(req, o)) co_return shape(req, refusal->status, std::move(refusal->message));
      if (!origin_allowed(*origin, req, o))
        co_return shape(
            req, 403,
            "Origin '" + std::string(*origin) +
                "' is not allowed (no CORS for it); allow it with --allowed-origins or KAOS_ALLOWED_ORIGINS");
      co_return preflight(req, *origin, o);
    }
    if (auto refusal = check_browser_safety(req, o)) co_return shape(req, refusal->status, std::move(refusal->message));
    // Copied before `next`: the handler may change the request.
    std::string allowed_origin = origin && origin_allowed(*origin, req, o) ? std::string(*origin) : std::string();
    Response res = co_await next(req);
    if (!allowed_origin.empty()) {
      res.headers.set("Access-Control-Allow-Origin", any_origin(o) ? std::string_view("*") : allowed_origin);
      res.headers.set("Access-Control-Expose-Headers", "*");
      res.headers.set("Vary", "Origin");
    }
    co_return res;
  };
}

}  // namespace kaos::net
