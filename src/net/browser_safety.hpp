#pragma once
// Browser safety: what keeps a web page (and DNS rebinding) from driving a server on this
// machine. One middleware, installed first on every server's router:
//
//  1. Host. A request that arrived on a loopback interface (decided by the accepted socket's
//     local address, never the listening address, so 0.0.0.0 is covered) must name a loopback
//     host (localhost, 127.0.0.0/8, [::1], any port) or an allowed one. A rebinding page's
//     requests carry its own name and are refused. Requests on other interfaces (pods calling
//     each other by service name) are not subject to this rule.
//  2. Origin. Every route but the probes refuses a request whose Origin is neither its own
//     (the same host:port as Host) nor allowed. Browsers send Origin on every cross-origin
//     POST, `mode: 'no-cors'` included, so a page cannot make the server act.
//  3. JSON. A POST, PUT or PATCH with a body must say Content-Type application/json or
//     application/*+json (parameters allowed): the content types a page can send without a
//     preflight (text/plain, forms) are refused with 415 before anything runs. Every route on
//     our servers takes JSON; a path that does not is listed in `non_json_paths`.
//  4. CORS. A preflight is answered only for an allowed origin, and responses name that origin,
//     never `*` unless `*` was allowed explicitly.
//
// Refusals are 403 (Host, Origin, preflight) or 415, built by the server's `RefusalShaper` so
// each route answers in its own error shape. Thread-safety: the middleware holds only
// immutable options.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/router.hpp"

namespace kaos::net {

/// The liveness and readiness paths of our servers and KAOS's: open to every caller (no Origin
/// check, no key), since the kubelet and `kaos up` call them and they change and reveal nothing.
bool is_probe_path(std::string_view path);

struct BrowserSafetyOptions {
  /// Extra Host values accepted on a loopback connection: a name ("proxy.local", any port) or
  /// a name with a port ("proxy.local:8080"). Compared case-insensitively.
  std::vector<std::string> allowed_hosts;
  /// Origins allowed besides a request's own, exactly as browsers send them
  /// ("http://localhost:5173"); "*" allows any origin (CORS then answers `*`).
  std::vector<std::string> allowed_origins;
  /// Paths whose POST/PUT/PATCH bodies are not JSON (none on our servers today).
  std::vector<std::string> non_json_paths;
};

/// Why a request was refused, before any handler ran.
struct BrowserRefusal {
  int status = 403;  ///< 403 (Host, Origin) or 415 (Content-Type)
  std::string message;
};

/// Checks rules 1–3 for `req`; nullopt when the request may proceed.
std::optional<BrowserRefusal> check_browser_safety(const Request& req, const BrowserSafetyOptions& options);

/// Builds the refusal in the route's own error shape (e.g. JSON-RPC on /mcp, OpenAI on /v1).
using RefusalShaper = std::function<Response(const Request& req, int status, std::string message)>;

/// Rules 1–4 as a middleware. Install it first (`Router::use`), before anything that acts.
Middleware browser_safety_middleware(BrowserSafetyOptions options, RefusalShaper shape);

}  // namespace kaos::net
