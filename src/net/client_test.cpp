// HttpClient behaviour: retries with backoff, deadlines, cancellation, stale pooled connections.
#include <atomic>
#include <boost/asio/read_until.hpp>

#include "net/background.hpp"
#include "net/detail/test_support.hpp"

namespace kaos::net {
namespace {

using test::Gate;
using tcp = boost::asio::ip::tcp;
using test::Loop;
using test::request;
using test::TestServer;

std::shared_ptr<Router> flaky_router(std::atomic<int>& calls, int failures) {
  auto r = std::make_shared<Router>();
  r->get("/flaky", [&calls, failures](Request&) -> Task<Response> {
    int n = ++calls;
    co_return n <= failures ? Response::json(503, R"({"detail":"busy"})") : Response::text(200, "ok");
  });
  return r;
}

ClientRequest retryable(std::string url, int attempts) {
  auto req = request("GET", std::move(url));
  req.retryable = true;
  req.retry.max_attempts = attempts;
  req.retry.initial_backoff = std::chrono::milliseconds(1);
  req.retry.max_backoff = std::chrono::milliseconds(5);
  return req;
}

TEST(ClientRetry, RetryableRequestSucceedsAfterTwo503s) {
  Loop loop;
  std::atomic<int> calls{0};
  TestServer srv(loop, flaky_router(calls, 2));
  HttpClient client(loop.executor());
  auto res = loop.run(client.send(retryable(srv.url("/flaky"), 3)));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(calls.load(), 3);
}

TEST(ClientRetry, NonRetryableRequestIsSentOnce) {
  Loop loop;
  std::atomic<int> calls{0};
  TestServer srv(loop, flaky_router(calls, 2));
  HttpClient client(loop.executor());
  auto req = retryable(srv.url("/flaky"), 3);
  req.retryable = false;
  auto res = loop.run(client.send(req));
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(calls.load(), 1);
}

TEST(ClientRetry, GivesUpAfterMaxAttemptsWithTheLastResponse) {
  Loop loop;
  std::atomic<int> calls{0};
  TestServer srv(loop, flaky_router(calls, 10));
  HttpClient client(loop.executor());
  auto res = loop.run(client.send(retryable(srv.url("/flaky"), 2)));
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(calls.load(), 2);
}

std::uint16_t unused_port() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();  // closed on return: nothing listens there
}

TEST(ClientErrors, ConnectionRefusedIsConnectErrorAndRetried) {
  Loop loop;
  HttpClient client(loop.executor());
  auto url = "http://127.0.0.1:" + std::to_string(unused_port()) + "/";
  auto res = loop.run(client.send(retryable(url, 3)));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, ErrorKind::connect);
  EXPECT_EQ(client.stats().connections_opened, 0u);
  auto bad = loop.run(client.send(request("GET", "ftp://x/")));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, ErrorKind::invalid);
}

TEST(ClientErrors, DeadlineExpiresAndUpstreamHandlerIsCancelled) {
  Loop loop(2);
  Gate gate;
  auto r = std::make_shared<Router>();
  r->get("/slow", [&](Request&) -> Task<Response> {
    co_await gate.wait();
    co_return Response::text(200, "late");
  });
  TestServer srv(loop, r);
  HttpClient client(loop.executor());
  auto req = request("GET", srv.url("/slow"));
  req.timeout = std::chrono::milliseconds(200);
  auto res = loop.run(client.send(req));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, ErrorKind::timeout);
  EXPECT_TRUE(gate.cancelled().wait());  // the client closed the connection
  EXPECT_EQ(client.stats().idle, 0u);
}

TEST(ClientErrors, CancellingTheAwaitingCoroutineCancelsTheRequest) {
  Loop loop(2);
  Gate gate;
  auto r = std::make_shared<Router>();
  r->get("/slow", [&](Request&) -> Task<Response> {
    co_await gate.wait();
    co_return Response::text(200, "late");
  });
  TestServer srv(loop, r);
  HttpClient client(loop.executor());
  asio::cancellation_signal signal;
  auto strand = asio::make_strand(loop.context());
  // The lambda must outlive its coroutine (captures live in the lambda object).
  auto call = [&]() -> Task<std::string> {
    auto res = co_await client.send(request("GET", srv.url("/slow")));
    co_return res ? std::string("unexpected success") : std::string(to_string(res.error().kind));
  };
  auto fut = asio::co_spawn(strand, call(), asio::bind_cancellation_slot(signal.slot(), asio::use_future));
  ASSERT_TRUE(gate.entered().wait());
  asio::post(strand, [&] { signal.emit(asio::cancellation_type::terminal); });
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(fut.get(), "cancelled");
  EXPECT_TRUE(gate.cancelled().wait());
  EXPECT_EQ(client.stats().idle, 0u);
}

/// A raw server that answers the first request on each connection with keep-alive, then
/// closes the connection as soon as the next request arrives (the keep-alive race).
Task<void> stale_server(tcp::acceptor& acceptor, std::atomic<int>& accepted) {
  for (;;) {
    auto [ec, sock] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    ++accepted;
    spawn_background(
        acceptor.get_executor(),
        [](tcp::socket s) -> Task<void> {
          std::string buf;
          auto [e1, n1] = co_await asio::async_read_until(s, asio::dynamic_buffer(buf), "\r\n\r\n",
                                                          asio::as_tuple(asio::use_awaitable));
          if (e1) co_return;
          std::string_view resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
          co_await asio::async_write(s, asio::buffer(resp), asio::as_tuple(asio::use_awaitable));
          buf.erase(0, n1);
          co_await asio::async_read_until(s, asio::dynamic_buffer(buf), "\r\n\r\n",
                                          asio::as_tuple(asio::use_awaitable));
          s.close();  // drop the second request without answering
        }(std::move(sock)),
        "stale server connection");
  }
}

TEST(ClientPool, StaleReusedConnectionIsRetriedOnceOnAFreshOne) {
  Loop loop;
  std::atomic<int> accepted{0};
  tcp::acceptor acceptor(loop.context(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto port = acceptor.local_endpoint().port();
  spawn_background(loop.executor(), stale_server(acceptor, accepted), "stale server");
  HttpClient client(loop.executor());
  auto url = "http://127.0.0.1:" + std::to_string(port) + "/";
  for (int i = 0; i < 3; ++i) {
    auto res = loop.run(client.send(request("POST", url, "not idempotent")));
    ASSERT_TRUE(res.has_value()) << i << ": " << res.error().message;
    EXPECT_EQ(res->body, "ok");
  }
  EXPECT_EQ(client.stats().connections_reused, 2u);
  EXPECT_EQ(client.stats().connections_opened, 3u);
  EXPECT_EQ(accepted.load(), 3);
  asio::post(loop.context(), [&] { acceptor.close(); });
}

}  // namespace
}  // namespace kaos::net
