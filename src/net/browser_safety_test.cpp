// Browser safety and API keys: the rules on Requests as the server builds them (raw-socket
// tests against each server are in tests/integration/browser_safety_test.py).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "net/api_key.hpp"
#include "net/browser_safety.hpp"
#include "net/detail/test_support.hpp"

namespace kaos::net {
namespace {

using test::run_dispatch;

/// A request as it arrives on `local` with Host `host`.
Request make(std::string method, std::string path, std::string host = "127.0.0.1:8000",
             std::string local = "127.0.0.1:8000") {
  Request r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  r.local_address = std::move(local);
  if (!host.empty()) r.headers.add("Host", host);
  return r;
}

Response shape(const Request&, int status, std::string message) {
  return Response::detail(status, message);
}

struct Counted {
  int runs = 0;
  Router router;
  explicit Counted(BrowserSafetyOptions o = {}) {
    router.use(browser_safety_middleware(std::move(o), shape));
    Handler h = [this](Request&) -> Task<Response> {
      ++runs;
      co_return Response::json(200, "{}");
    };
    router.post("/run", h);
    router.get("/health", h);
    router.get("/memory/events", h);
  }
};

std::optional<int> refused(const Request& req, const BrowserSafetyOptions& o = {}) {
  auto r = check_browser_safety(req, o);
  return r ? std::optional<int>(r->status) : std::nullopt;
}

TEST(BrowserSafety, LoopbackConnectionNeedsLoopbackHost) {
  for (const char* host : {"localhost", "localhost:8000", "127.0.0.1", "127.1.2.3:9", "[::1]:8000", "LOCALHOST:1"})
    EXPECT_FALSE(refused(make("GET", "/health", host))) << host;
  for (const char* host : {"evil.example", "evil.example:8000", "127.evil.example", "127.0.0.1.evil.example",
                           "localhost.evil.example", "1270.0.0.1", "127.0.0.256", ""})
    EXPECT_EQ(refused(make("GET", "/health", host)), 403) << host;
  // IPv6 and v4-mapped loopback local addresses are loopback too.
  EXPECT_EQ(refused(make("GET", "/x", "evil.example", "::1:8000")), 403);
  EXPECT_EQ(refused(make("GET", "/x", "evil.example", "::ffff:127.0.0.1:8000")), 403);
  EXPECT_EQ(refused(make("GET", "/x", "evil.example", "127.0.0.2:8000")), 403);
}

TEST(BrowserSafety, OtherInterfacesKeepTheirHostNames) {
  EXPECT_FALSE(refused(make("GET", "/x", "my-agent.default.svc:8000", "10.1.2.3:8000")));
  EXPECT_FALSE(refused(make("GET", "/x", "my-agent", "::ffff:10.1.2.3:8000")));
}

TEST(BrowserSafety, AllowedHostsByNameOrNameAndPort) {
  BrowserSafetyOptions o;
  o.allowed_hosts = {"proxy.local", "gw.local:9000"};
  EXPECT_FALSE(refused(make("GET", "/x", "Proxy.Local:1234"), o));
  EXPECT_FALSE(refused(make("GET", "/x", "gw.local:9000"), o));
  EXPECT_EQ(refused(make("GET", "/x", "gw.local:9001"), o), 403);
}

TEST(BrowserSafety, ForeignOriginRefusedOwnAndAllowedPass) {
  auto with_origin = [](std::string origin, std::string path = "/run") {
    auto r = make("GET", std::move(path), "127.0.0.1:8000");
    r.headers.add("Origin", origin);
    return r;
  };
  EXPECT_EQ(refused(with_origin("http://evil.example")), 403);
  EXPECT_EQ(refused(with_origin("http://127.0.0.2:8080")), 403);  // another loopback origin is not ours
  EXPECT_EQ(refused(with_origin("http://127.0.0.1:8001")), 403);
  EXPECT_EQ(refused(with_origin("null")), 403);
  EXPECT_FALSE(refused(with_origin("http://127.0.0.1:8000")));
  EXPECT_FALSE(refused(with_origin("http://localhost:8000")));  // this server's own port, another loopback name
  EXPECT_FALSE(refused(with_origin("http://[::1]:8000")));
  // Any loopback name on the port of the loopback connection is this server (or a local
  // process, which could call the server directly anyway).
  EXPECT_FALSE(refused(with_origin("http://127.0.0.2:8000")));
  EXPECT_FALSE(refused(with_origin("http://evil.example", "/health")));  // probes stay open
  BrowserSafetyOptions o;
  o.allowed_origins = {"http://ui.local:5173"};
  EXPECT_FALSE(refused(with_origin("http://ui.local:5173"), o));
  EXPECT_EQ(refused(with_origin("http://evil.example"), o), 403);
  o.allowed_origins = {"*"};
  EXPECT_FALSE(refused(with_origin("http://evil.example"), o));
}

TEST(BrowserSafety, BodiesMustBeJson) {
  auto post = [](std::optional<std::string> type, std::string body) {
    auto r = make("POST", "/run");
    if (type) r.headers.add("Content-Type", *type);
    r.body = std::move(body);
    return r;
  };
  EXPECT_EQ(refused(post("text/plain", "{}")), 415);
  EXPECT_EQ(refused(post("application/x-www-form-urlencoded", "a=b")), 415);
  EXPECT_EQ(refused(post("multipart/form-data; boundary=x", "--x")), 415);
  EXPECT_EQ(refused(post(std::nullopt, "{}")), 415);
  EXPECT_FALSE(refused(post("application/json", "{}")));
  EXPECT_FALSE(refused(post("Application/JSON; charset=utf-8", "{}")));
  EXPECT_FALSE(refused(post("application/merge-patch+json", "{}")));
  EXPECT_FALSE(refused(post(std::nullopt, "")));  // an empty POST (e.g. a shutdown) has no type
  BrowserSafetyOptions o;
  o.non_json_paths = {"/run"};
  EXPECT_FALSE(refused(post("text/plain", "x"), o));
}

TEST(BrowserSafety, MiddlewareRefusesBeforeTheHandlerRuns) {
  Counted c;
  auto evil = make("POST", "/run", "evil.example:8000");
  evil.headers.add("Content-Type", "application/json");
  EXPECT_EQ(run_dispatch(c.router, evil).status, 403);
  auto text = make("POST", "/run");
  text.headers.add("Content-Type", "text/plain");
  text.body = "{}";
  EXPECT_EQ(run_dispatch(c.router, text).status, 415);
  EXPECT_EQ(c.runs, 0);
  auto good = make("POST", "/run");
  good.headers.add("Content-Type", "application/json");
  good.body = "{}";
  auto res = run_dispatch(c.router, good);
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.headers.has("Access-Control-Allow-Origin"));
  EXPECT_EQ(c.runs, 1);
}

TEST(BrowserSafety, PreflightNamesAllowedOriginsOnly) {
  BrowserSafetyOptions o;
  o.allowed_origins = {"http://ui.local:5173"};
  Counted c(o);
  auto pre = [](std::string origin) {
    auto r = make("OPTIONS", "/run");
    r.headers.add("Origin", origin);
    r.headers.add("Access-Control-Request-Method", "POST");
    r.headers.add("Access-Control-Request-Headers", "content-type, authorization");
    return r;
  };
  auto bad = pre("http://evil.example");
  auto refused_pre = run_dispatch(c.router, bad);
  EXPECT_EQ(refused_pre.status, 403);
  EXPECT_FALSE(refused_pre.headers.has("Access-Control-Allow-Origin"));
  auto good = pre("http://ui.local:5173");
  auto ok = run_dispatch(c.router, good);
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(ok.headers.get("Access-Control-Allow-Origin").value_or(""), "http://ui.local:5173");
  EXPECT_EQ(ok.headers.get("Access-Control-Allow-Headers").value_or(""), "content-type, authorization");
  EXPECT_EQ(ok.headers.get("Vary").value_or(""), "Origin");
  auto post = make("POST", "/run");
  post.headers.add("Origin", "http://ui.local:5173");
  post.headers.add("Content-Type", "application/json");
  auto res = run_dispatch(c.router, post);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers.get("Access-Control-Allow-Origin").value_or(""), "http://ui.local:5173");
  EXPECT_EQ(c.runs, 1);
}

TEST(BrowserSafety, StarOnlyWhenChosen) {
  BrowserSafetyOptions o;
  o.allowed_origins = {"*"};
  Counted c(o);
  auto post = make("POST", "/run");
  post.headers.add("Origin", "http://anything.example");
  post.headers.add("Content-Type", "application/json");
  EXPECT_EQ(run_dispatch(c.router, post).headers.get("Access-Control-Allow-Origin").value_or(""), "*");
}

TEST(ApiKey, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secreT", "secret"));
  EXPECT_FALSE(constant_time_equal("secret1", "secret"));
  EXPECT_FALSE(constant_time_equal("secre", "secret"));
  EXPECT_FALSE(constant_time_equal("", "secret"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(ApiKey, MiddlewareRequiresTheKeyExceptOnProbesAndDropsIt) {
  Router r;
  std::optional<std::string> seen_auth;
  int runs = 0;
  r.use(api_key_middleware("k3y", shape, "AGENT_API_KEY"));
  Handler h = [&](Request& req) -> Task<Response> {
    ++runs;
    seen_auth =
        req.headers.get("Authorization") ? std::optional<std::string>(*req.headers.get("Authorization")) : std::nullopt;
    co_return Response::json(200, "{}");
  };
  r.post("/run", h);
  r.get("/ready", h);
  auto none = make("POST", "/run");
  auto res = run_dispatch(r, none);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.headers.get("WWW-Authenticate").value_or(""), "Bearer");
  EXPECT_NE(res.body.find("AGENT_API_KEY"), std::string::npos);
  auto wrong = make("POST", "/run");
  wrong.headers.add("Authorization", "Bearer k3x");
  EXPECT_EQ(run_dispatch(r, wrong).status, 401);
  EXPECT_EQ(runs, 0);
  auto probe = make("GET", "/ready");
  EXPECT_EQ(run_dispatch(r, probe).status, 200);
  auto right = make("POST", "/run");
  right.headers.add("Authorization", "bearer k3y");
  EXPECT_EQ(run_dispatch(r, right).status, 200);
  EXPECT_FALSE(seen_auth);  // the key is not passed on
}

}  // namespace
}  // namespace kaos::net
