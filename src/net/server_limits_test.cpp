// Server wire behaviour with a raw socket: limits, malformed input, timeouts, chunked bodies,
// vanishing clients, pipelining.
#include "net/detail/test_support.hpp"

namespace kaos::net {
namespace {

using test::Loop;
using test::RawSocket;
using test::request;
using test::TestServer;

std::shared_ptr<Router> router() {
  auto r = std::make_shared<Router>();
  r->post("/echo", [](Request& req) -> Task<Response> { co_return Response::text(200, req.body); });
  r->get("/ping", [](Request&) -> Task<Response> { co_return Response::text(200, "pong"); });
  return r;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

TEST(ServerLimits, MalformedRequestGets400Json) {
  Loop loop;
  TestServer srv(loop, router());
  RawSocket s(srv.port());
  s.send("THIS IS NOT HTTP\r\n\r\n");
  auto out = s.read_until_close();
  EXPECT_TRUE(starts_with(out, "HTTP/1.1 400")) << out;
  EXPECT_NE(out.find(R"({"detail":"malformed HTTP request)"), std::string::npos) << out;
}

TEST(ServerLimits, OversizedBodyGets413) {
  Loop loop;
  TestServer srv(loop, router());
  RawSocket s(srv.port());
  s.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n" + std::string(1000, 'a'));
  auto out = s.read_until_close();
  EXPECT_TRUE(starts_with(out, "HTTP/1.1 413")) << out;
  EXPECT_NE(out.find("\"detail\""), std::string::npos);
}

TEST(ServerLimits, OversizedChunkedBodyGets413WithCustomResponder) {
  Loop loop;
  auto r = router();
  r->set_error_responder([](int status, std::string msg) {
    return Response::json(status, R"({"error":{"message":"too big","type":"invalid_request_error","code":null}})");
  });
  ServerOptions o;
  o.body_limit = 1000;
  TestServer srv(loop, r, o);
  RawSocket s(srv.port());
  std::string chunk(800, 'b');
  s.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n320\r\n" + chunk +
         "\r\n0\r\n\r\n");
  auto out = s.read_until_close();
  EXPECT_TRUE(starts_with(out, "HTTP/1.1 413")) << out;
  EXPECT_NE(out.find("invalid_request_error"), std::string::npos) << out;
}

TEST(ServerLimits, HugeHeaderGets431) {
  Loop loop;
  TestServer srv(loop, router());
  RawSocket s(srv.port());
  s.send("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20'000, 'h') + "\r\n\r\n");
  auto out = s.read_until_close();
  EXPECT_TRUE(starts_with(out, "HTTP/1.1 431")) << out;
}

TEST(ServerLimits, ChunkedRequestBodyIsAssembled) {
  Loop loop;
  TestServer srv(loop, router());
  RawSocket s(srv.port());
  s.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto out = s.read_until_close();
  EXPECT_TRUE(starts_with(out, "HTTP/1.1 200")) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\nhello world")) << out;
}

TEST(ServerLimits, PipelinedRequestsAreAnsweredInOrder) {
  Loop loop;
  TestServer srv(loop, router());
  RawSocket s(srv.port());
  s.send(
      "GET /ping HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto out = s.read_until_close();
  auto first = out.find("pong"), second = out.find("abc"), third = out.rfind("pong");
  ASSERT_NE(first, std::string::npos) << out;
  ASSERT_NE(second, std::string::npos) << out;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST(ServerLimits, SlowClientIsCutAtReadTimeout) {
  Loop loop;
  ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(200);
  TestServer srv(loop, router(), o);
  RawSocket s(srv.port());
  auto start = std::chrono::steady_clock::now();
  s.send("GET /ping HTTP/1.1\r\nHost: x\r\n");  // never finishes the header
  auto out = s.read_until_close();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));  // closed, not our 10 s guard
  EXPECT_EQ(out.find("pong"), std::string::npos);
}

TEST(ServerLimits, IdleKeepAliveConnectionIsClosed) {
  Loop loop;
  ServerOptions o;
  o.idle_timeout = std::chrono::milliseconds(200);
  TestServer srv(loop, router(), o);
  RawSocket s(srv.port());
  s.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  auto start = std::chrono::steady_clock::now();
  auto out = s.read_until_close();
  EXPECT_NE(out.find("pong"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ServerLimits, VanishingClientsDoNotHurtTheServer) {
  Loop loop(2);
  TestServer srv(loop, router());
  for (int i = 0; i < 20; ++i) {
    RawSocket s(srv.port());
    if (i % 2) s.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf");
    s.close();
  }
  HttpClient client(loop.executor());
  auto res = loop.run(client.send(request("GET", srv.url("/ping"))));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->body, "pong");
}

TEST(ServerLimits, HeadGetsHeadersOnly) {
  Loop loop;
  auto r = router();
  r->add("HEAD", "/ping", [](Request&) -> Task<Response> { co_return Response::text(200, "pong"); });
  TestServer srv(loop, r);
  RawSocket s(srv.port());
  s.send("HEAD /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto out = s.read_until_close();
  EXPECT_NE(out.find("Content-Length: 4"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\n")) << out;
}

}  // namespace
}  // namespace kaos::net
