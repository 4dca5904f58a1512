// Loopback integration: the server and the client over real sockets.
#include "net/detail/test_support.hpp"

namespace kaos::net {
namespace {

using test::Loop;
using test::RawSocket;
using test::request;
using test::TestServer;

std::shared_ptr<Router> echo_router() {
  auto r = std::make_shared<Router>();
  r->get("/hello", [](Request&) -> Task<Response> { co_return Response::json(200, R"({"hello":"world"})"); });
  r->post("/echo", [](Request& req) -> Task<Response> {
    Response res = Response::text(200, req.body);
    res.headers.set("X-Method", req.method);
    co_return res;
  });
  r->get("/items/{id}", [](Request& req) -> Task<Response> { co_return Response::text(200, req.params["id"]); });
  return r;
}

TEST(ServerClient, GetJsonOverLoopback) {
  Loop loop;
  TestServer srv(loop, echo_router());
  HttpClient client(loop.executor());
  auto res = loop.run(client.send(request("GET", srv.url("/hello"))));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"hello":"world"})");
  EXPECT_EQ(res->headers.get("content-type").value_or(""), "application/json");
}

TEST(ServerClient, PostEchoAndPathParam) {
  Loop loop;
  TestServer srv(loop, echo_router());
  HttpClient client(loop.executor());
  auto req = request("POST", srv.url("/echo"), std::string(100'000, 'x'));
  auto res = loop.run(client.send(req));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->body.size(), 100'000u);
  EXPECT_EQ(res->headers.get("X-Method").value_or(""), "POST");
  auto item = loop.run(client.send(request("GET", srv.url("/items/a%2Fb"))));
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->body, "a/b");
}

TEST(ServerClient, KeepAliveConnectionIsReused) {
  Loop loop;
  TestServer srv(loop, echo_router());
  HttpClient client(loop.executor());
  for (int i = 0; i < 5; ++i) {
    auto res = loop.run(client.send(request("GET", srv.url("/hello"))));
    ASSERT_TRUE(res.has_value()) << res.error().message;
  }
  auto st = client.stats();
  EXPECT_EQ(st.connections_opened, 1u);
  EXPECT_EQ(st.connections_reused, 4u);
  EXPECT_EQ(st.idle, 1u);
  EXPECT_EQ(srv.server().connection_count(), 1u);
}

TEST(ServerClient, UnknownPathIs404Json) {
  Loop loop;
  TestServer srv(loop, echo_router());
  HttpClient client(loop.executor());
  auto res = loop.run(client.send(request("GET", srv.url("/nope"))));
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, R"({"detail":"Not Found"})");
  auto wrong = loop.run(client.send(request("DELETE", srv.url("/hello"))));
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->headers.get("Allow").value_or(""), "GET");
}

TEST(ServerClient, ContentLengthBodyStreamsAndLimitIsEnforced) {
  Loop loop;
  auto r = echo_router();
  r->get("/big", [](Request&) -> Task<Response> { co_return Response::text(200, std::string(200'000, 'q')); });
  TestServer srv(loop, r);
  HttpClient client(loop.executor());
  auto pieces = loop.run([&]() -> Task<std::pair<std::size_t, std::size_t>> {
    auto stream = co_await client.open(request("GET", srv.url("/big")));
    EXPECT_TRUE(stream.has_value());
    if (!stream) co_return std::pair<std::size_t, std::size_t>{0, 0};
    std::size_t count = 0, total = 0;
    for (;;) {
      auto piece = co_await (*stream)->next();
      EXPECT_TRUE(piece.has_value());
      if (!piece || !*piece) break;
      ++count;
      total += (*piece)->size();
    }
    co_return std::pair{count, total};
  }());
  EXPECT_EQ(pieces.second, 200'000u);
  EXPECT_GT(pieces.first, 1u);  // delivered in pieces, not buffered whole
  EXPECT_EQ(client.stats().idle, 1u);

  ClientOptions small;
  small.max_response_body = 1000;
  HttpClient limited(loop.executor(), small);
  auto res = loop.run(limited.send(request("GET", srv.url("/big"))));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, ErrorKind::too_large);
}

TEST(ServerClient, ExpectContinueIsAnswered) {
  Loop loop;
  TestServer srv(loop, echo_router());
  RawSocket s(srv.port());
  s.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
  auto interim = s.read_until("100 Continue\r\n\r\n");
  EXPECT_NE(interim.find("HTTP/1.1 100 Continue"), std::string::npos) << interim;
  s.send("hello");
  auto out = s.read_until_close();
  EXPECT_NE(out.find("200 OK"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("hello")) << out;
}

TEST(ServerClient, HandlerExceptionBecomes500Json) {
  Loop loop;
  auto r = echo_router();
  r->get("/boom", [](Request&) -> Task<Response> {
    throw std::runtime_error("kaput");
    co_return Response::empty(200);
  });
  TestServer srv(loop, r);
  HttpClient client(loop.executor());
  auto res = loop.run(client.send(request("GET", srv.url("/boom"))));
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, R"({"detail":"internal server error"})");
  auto again = loop.run(client.send(request("GET", srv.url("/hello"))));  // connection still usable
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 200);
}

// One event-loop thread: connections run on the executor itself, without strands.
TEST(ServerClient, SingleThreadServerKeepsAliveAndPipelines) {
  Loop loop(1);
  ServerOptions options;
  options.single_thread = true;
  TestServer srv(loop, echo_router(), options);
  HttpClient client(loop.executor());
  for (int i = 0; i < 3; ++i) {
    auto res = loop.run(client.send(request("POST", srv.url("/echo"), std::string(50'000, 'x'))));
    ASSERT_TRUE(res.has_value()) << res.error().message;
    EXPECT_EQ(res->body.size(), 50'000u);
  }
  EXPECT_EQ(client.stats().connections_opened, 1u);
  RawSocket s(srv.port());
  s.send(
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
      "Connection: close\r\n\r\nhi");
  auto out = s.read_until_close();
  auto first = out.find("HTTP/1.1 200 OK");
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.find("HTTP/1.1 200 OK", first + 1), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("hi")) << out;
}

}  // namespace
}  // namespace kaos::net
