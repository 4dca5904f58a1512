// HttpClient's per-origin connection limit: at max_per_origin a request waits for a returned
// or closed connection (within its deadline) instead of opening one more.
#include <atomic>
#include <future>

#include "net/detail/test_support.hpp"

namespace kaos::net {
namespace {

using test::Gate;
using test::Loop;
using test::request;
using test::TestServer;

std::shared_ptr<Router> router(Gate& gate, std::atomic<int>& in_handler, std::atomic<int>& most) {
  auto r = std::make_shared<Router>();
  r->get("/slow", [&](Request&) -> Task<Response> {
    int now = ++in_handler;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    co_await gate.wait();
    --in_handler;
    co_return Response::text(200, "slow");
  });
  r->get("/ping", [](Request&) -> Task<Response> { co_return Response::text(200, "pong"); });
  return r;
}

template <class Cond>
bool eventually(Cond cond) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline && !cond())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return cond();
}

TEST(ClientPool, AtTheLimitRequestsWaitForAConnectionAndReuseIt) {
  Loop loop(2);
  Gate gate;
  std::atomic<int> in_handler{0}, most{0};
  TestServer srv(loop, router(gate, in_handler, most));
  ClientOptions o;
  o.max_per_origin = 2;
  HttpClient client(loop.executor(), o);
  std::vector<std::future<std::optional<Result<ClientResponse>>>> calls;
  for (int i = 0; i < 6; ++i) calls.push_back(loop.start(client.send(request("GET", srv.url("/slow")))));
  ASSERT_TRUE(eventually([&] { return in_handler.load() == 2 && client.stats().waits == 4; }))
      << in_handler.load() << " in the handler, " << client.stats().waits << " waiting";
  EXPECT_EQ(srv.server().connection_count(), 2u);
  gate.open();
  for (auto& c : calls) {
    auto res = *c.get();
    ASSERT_TRUE(res.has_value()) << res.error().message;
    EXPECT_EQ(res->body, "slow");
  }
  EXPECT_EQ(most.load(), 2);
  auto stats = client.stats();
  EXPECT_EQ(stats.connections_opened, 2u);
  EXPECT_EQ(stats.connections_reused, 4u);
  EXPECT_EQ(stats.open, 2u);
  EXPECT_EQ(stats.idle, 2u);
}

TEST(ClientPool, AWaitEndsAtTheRequestDeadline) {
  Loop loop(2);
  Gate gate;
  std::atomic<int> in_handler{0}, most{0};
  TestServer srv(loop, router(gate, in_handler, most));
  ClientOptions o;
  o.max_per_origin = 1;
  HttpClient client(loop.executor(), o);
  auto busy = loop.start(client.send(request("GET", srv.url("/slow"))));
  ASSERT_TRUE(eventually([&] { return in_handler.load() == 1; }));
  auto waiting = request("GET", srv.url("/ping"));
  waiting.timeout = std::chrono::milliseconds(200);
  auto res = loop.run(client.send(waiting));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, ErrorKind::timeout);
  EXPECT_NE(res.error().message.find("waiting for a free connection"), std::string::npos) << res.error().message;
  gate.open();
  EXPECT_TRUE(busy.get()->has_value());
  // The pool is whole again: one connection, reused.
  auto again = loop.run(client.send(request("GET", srv.url("/ping"))));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST(ClientPool, AClosedConnectionLetsAWaiterOpenANewOne) {
  Loop loop(2);
  Gate gate;
  std::atomic<int> in_handler{0}, most{0};
  TestServer srv(loop, router(gate, in_handler, most));
  ClientOptions o;
  o.max_per_origin = 1;
  HttpClient client(loop.executor(), o);
  // The first request times out in the handler: its connection is closed, never pooled.
  auto doomed = request("GET", srv.url("/slow"));
  doomed.timeout = std::chrono::milliseconds(300);
  auto first = loop.start(client.send(doomed));
  ASSERT_TRUE(eventually([&] { return in_handler.load() == 1; }));
  auto second = loop.start(client.send(request("GET", srv.url("/ping"))));
  auto r1 = *first.get();
  ASSERT_FALSE(r1.has_value());
  EXPECT_EQ(r1.error().kind, ErrorKind::timeout);
  auto r2 = *second.get();
  ASSERT_TRUE(r2.has_value()) << r2.error().message;
  EXPECT_EQ(r2->body, "pong");
  EXPECT_EQ(client.stats().connections_opened, 2u);
  EXPECT_EQ(client.stats().waits, 1u);
  gate.open();
}

TEST(ClientPool, OriginsHaveSeparateLimits) {
  Loop loop(2);
  Gate gate;
  std::atomic<int> in_handler{0}, most{0};
  TestServer a(loop, router(gate, in_handler, most));
  TestServer b(loop, router(gate, in_handler, most));
  ClientOptions o;
  o.max_per_origin = 1;
  HttpClient client(loop.executor(), o);
  auto busy = loop.start(client.send(request("GET", a.url("/slow"))));
  ASSERT_TRUE(eventually([&] { return in_handler.load() == 1; }));
  auto other = request("GET", b.url("/ping"));
  other.timeout = std::chrono::seconds(5);
  auto res = loop.run(client.send(other));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(client.stats().waits, 0u);
  gate.open();
  EXPECT_TRUE(busy.get()->has_value());
}

}  // namespace
}  // namespace kaos::net
