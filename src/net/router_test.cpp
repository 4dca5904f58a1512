// Router: patterns, parameters, 404/405, middleware order, error responder (CORS: browser_safety_test.cpp).
#include <gtest/gtest.h>

#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "net/detail/test_support.hpp"
#include "net/router.hpp"

namespace kaos::net {
namespace {

using test::run_dispatch;

Request make(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.path = r.target.substr(0, r.target.find('?'));
  if (auto q = r.target.find('?'); q != std::string::npos) r.query = r.target.substr(q + 1);
  return r;
}

Handler text(std::string s) {
  return [s](Request&) -> Task<Response> { co_return Response::text(200, s); };
}

TEST(Router, LiteralAndParameterRoutes) {
  Router r;
  r.get("/v1/models", text("list"));
  r.get("/v1/models/{id}",
        [](Request& req) -> Task<Response> { co_return Response::text(200, "id=" + req.params["id"]); });
  auto a = make("GET", "/v1/models");
  EXPECT_EQ(run_dispatch(r, a).body, "list");
  auto b = make("GET", "/v1/models/gpt-4o%20mini?x=1");
  EXPECT_EQ(run_dispatch(r, b).body, "id=gpt-4o mini");
  auto c = make("GET", "/v1/models/a/b");
  EXPECT_EQ(run_dispatch(r, c).status, 404);
  auto d = make("GET", "/v1/models/");
  EXPECT_EQ(run_dispatch(r, d).status, 404);
}

TEST(Router, TrailingWildcard) {
  Router r;
  r.get("/files/{path...}", [](Request& req) -> Task<Response> { co_return Response::text(200, req.params["path"]); });
  auto a = make("GET", "/files/a/b/c.txt");
  EXPECT_EQ(run_dispatch(r, a).body, "a/b/c.txt");
  auto b = make("GET", "/files");
  EXPECT_EQ(run_dispatch(r, b).body, "");
  auto c = make("GET", "/other/a");
  EXPECT_EQ(run_dispatch(r, c).status, 404);
}

TEST(Router, NotFoundAndMethodNotAllowedDefaults) {
  Router r;
  r.get("/x", text("x"));
  r.post("/x", text("px"));
  auto a = make("GET", "/y");
  auto ra = run_dispatch(r, a);
  EXPECT_EQ(ra.status, 404);
  EXPECT_EQ(ra.body, R"({"detail":"Not Found"})");
  auto b = make("DELETE", "/x");
  auto rb = run_dispatch(r, b);
  EXPECT_EQ(rb.status, 405);
  EXPECT_EQ(rb.headers.get("allow").value_or(""), "GET, POST");
}

TEST(Router, CustomNotFoundAndErrorResponder) {
  Router r;
  r.set_error_responder([](int status, std::string msg) {
    return Response::json(status,
                          R"({"error":{"message":")" + msg + R"(","type":"invalid_request_error","code":null}})");
  });
  auto a = make("GET", "/missing");
  EXPECT_EQ(run_dispatch(r, a).body, R"({"error":{"message":"Not Found","type":"invalid_request_error","code":null}})");
  EXPECT_EQ(r.error_response(413, "big").status, 413);
  r.set_not_found([](Request&) -> Task<Response> { co_return Response::text(404, "custom"); });
  auto b = make("GET", "/missing");
  EXPECT_EQ(run_dispatch(r, b).body, "custom");
}

TEST(Router, LaterRegistrationReplacesAndStarMatchesAnyMethod) {
  Router r;
  r.get("/a", text("one"));
  r.get("/a", text("two"));
  r.add("*", "/any", text("any"));
  auto a = make("GET", "/a");
  EXPECT_EQ(run_dispatch(r, a).body, "two");
  auto b = make("PATCH", "/any");
  EXPECT_EQ(run_dispatch(r, b).body, "any");
}

TEST(Router, MiddlewareRunsInRegistrationOrderAndWraps404) {
  Router r;
  std::vector<std::string> trace;
  r.use([&](Request& req, const Handler& next) -> Task<Response> {
    trace.emplace_back("outer-in");
    Response res = co_await next(req);
    trace.emplace_back("outer-out");
    res.headers.set("X-Outer", "1");
    co_return res;
  });
  r.use([&](Request& req, const Handler& next) -> Task<Response> {
    trace.emplace_back("inner-in");
    Response res = co_await next(req);
    trace.emplace_back("inner-out");
    co_return res;
  });
  r.get("/h", [&](Request&) -> Task<Response> {
    trace.emplace_back("handler");
    co_return Response::text(200, "h");
  });
  auto a = make("GET", "/h");
  auto res = run_dispatch(r, a);
  EXPECT_EQ(trace, (std::vector<std::string>{"outer-in", "inner-in", "handler", "inner-out", "outer-out"}));
  EXPECT_EQ(res.headers.get("X-Outer").value_or(""), "1");
  auto b = make("GET", "/none");
  EXPECT_EQ(run_dispatch(r, b).headers.get("X-Outer").value_or(""), "1");
}

TEST(Router, MiddlewareMayShortCircuit) {
  Router r;
  r.use([](Request& req, const Handler& next) -> Task<Response> {
    if (!req.headers.has("Authorization")) co_return Response::json(401, R"({"detail":"no"})");
    co_return co_await next(req);
  });
  r.get("/h", text("ok"));
  auto a = make("GET", "/h");
  EXPECT_EQ(run_dispatch(r, a).status, 401);
  auto b = make("GET", "/h");
  b.headers.add("authorization", "Bearer x");
  EXPECT_EQ(run_dispatch(r, b).body, "ok");
}

TEST(Http, HeadersAndQueryParams) {
  Headers h;
  h.add("Set-Cookie", "a");
  h.add("set-cookie", "b");
  h.add("X", "1");
  EXPECT_EQ(h.fields().size(), 3u);
  h.set("SET-COOKIE", "c");
  EXPECT_EQ(h.fields().size(), 2u);
  EXPECT_EQ(h.get("set-cookie").value_or(""), "c");
  h.erase("x");
  EXPECT_FALSE(h.has("X"));
  Request r;
  r.query = "a=1&b=hello+world&c=%2F&flag";
  EXPECT_EQ(r.query_param("b").value_or(""), "hello world");
  EXPECT_EQ(r.query_param("c").value_or(""), "/");
  EXPECT_EQ(r.query_param("flag").value_or("none"), "");
  EXPECT_FALSE(r.query_param("zzz").has_value());
  EXPECT_EQ(status_reason(431), "Request Header Fields Too Large");
}

// A value with CR, LF or NUL would split the response; a bad name would forge a field.
TEST(Http, HeadersRefuseWhatWouldSplitTheResponse) {
  Headers h;
  EXPECT_THROW(h.set("X-Session-ID", "abc\r\nSet-Cookie: a=b"), std::invalid_argument);
  EXPECT_THROW(h.add("X-Session-ID", "abc\nx"), std::invalid_argument);
  EXPECT_THROW(h.set("X", std::string_view("a\0b", 3)), std::invalid_argument);
  EXPECT_THROW(h.set("Bad Name", "v"), std::invalid_argument);
  EXPECT_THROW(h.set("X:Y", "v"), std::invalid_argument);
  EXPECT_THROW(h.set("", "v"), std::invalid_argument);
  EXPECT_TRUE(h.empty());
  h.set("X-Ok", "tabs\tand spaces and ünïcode are fine");
  EXPECT_EQ(h.fields().size(), 1u);
}

TEST(Http, SseWriterFormat) {
  EXPECT_EQ(SseWriter::format("hello"), "data: hello\n\n");
  EXPECT_EQ(SseWriter::format("a\nb", "update", "7"), "event: update\nid: 7\ndata: a\ndata: b\n\n");
  auto r = sse_response();
  EXPECT_EQ(r.headers.get("content-type").value_or(""), "text/event-stream");
}

}  // namespace
}  // namespace kaos::net
