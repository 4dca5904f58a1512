#pragma once
// Test helpers for net's own tests: an io_context on a background thread, running coroutines
// to completion from the test thread, a loopback server, and a raw blocking socket.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/use_future.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "net/client.hpp"
#include "net/detail/beast.hpp"
#include "net/server.hpp"
#include "net/testing.hpp"

namespace kaos::net::test {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using kaos::net::testing::Flag;
using kaos::net::testing::Loop;

/// Runs `router.dispatch(req)` to completion on a private io_context (router and middleware
/// tests need no server or socket).
inline Response run_dispatch(const Router& router, Request& req) {
  asio::io_context ioc;
  std::optional<Response> out;
  asio::co_spawn(
      ioc, [&]() -> Task<void> { out = co_await router.dispatch(req); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  ioc.run();
  return std::move(*out);
}

inline ClientRequest request(std::string method, std::string url, std::string body = {}) {
  ClientRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.body = std::move(body);
  return r;
}

/// Suspends a handler until the test opens it (or the handler is cancelled). Returns true
/// when opened, false when the wait was cancelled.
class Gate {
 public:
  Task<bool> wait() {
    auto ex = co_await asio::this_coro::executor;
    auto timer = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
    {
      std::lock_guard lock(mu_);
      if (open_) co_return true;
      timers_.push_back(timer);
    }
    entered_.set();
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    std::lock_guard lock(mu_);
    if (open_) co_return true;
    cancelled_.set();
    co_return false;
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    for (auto& t : timers_) asio::post(t->get_executor(), [t] { t->cancel(); });
  }
  Flag& entered() { return entered_; }
  Flag& cancelled() { return cancelled_; }

 private:
  std::mutex mu_;
  bool open_ = false;
  std::vector<std::shared_ptr<asio::steady_timer>> timers_;
  Flag entered_;
  Flag cancelled_;
};

/// A server on 127.0.0.1:<free port>, shut down gracefully on destruction.
class TestServer {
 public:
  TestServer(Loop& loop, std::shared_ptr<const Router> router, ServerOptions options = {}) : loop_(loop) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(loop.executor(), options, std::move(router));
    auto r = server_->listen();
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    server_->start();
  }
  ~TestServer() { loop_.run(server_->shutdown()); }
  Server& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }
  std::string url(std::string_view path, bool tls = false) const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }

 private:
  Loop& loop_;
  std::unique_ptr<Server> server_;
};

/// A blocking client socket for raw wire tests; reads time out after 10 s.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{10, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  void send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }
  /// Reads until the peer closes (or the read timeout); returns everything read.
  std::string read_until_close() {
    std::string out;
    char buf[4096];
    for (;;) {
      boost::system::error_code ec;
      auto n = socket_.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) break;
    }
    return out;
  }
  /// Reads until `needle` appeared in what was read.
  std::string read_until(std::string_view needle) {
    std::string out;
    char buf[4096];
    while (out.find(needle) == std::string::npos) {
      boost::system::error_code ec;
      auto n = socket_.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) break;
    }
    return out;
  }
  void close() { socket_.close(); }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
};

}  // namespace kaos::net::test
