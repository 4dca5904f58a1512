#pragma once
// Test support (header-only, tests only): a real redis-server on a free loopback port, for the
// RedisClient and RedisMemory tests. It can be killed and started again on the same port to
// test outages. Readiness is polled (PING until +PONG, bounded), never slept for.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "net/process.hpp"
#include "net/testing.hpp"

namespace kaos::clients::redis::testing {

/// A loopback port that was free a moment ago (bound to 0, read, closed).
inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

/// True when a blocking PING on 127.0.0.1:port answers +PONG within ~200 ms.
inline bool redis_answers_ping(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{0, 200 * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::write(fd, "PING\r\n", 6) == 6) {
    char buf[16] = {};
    ok = ::read(fd, buf, 7) == 7 && std::string(buf, 7) == "+PONG\r\n";
  }
  ::close(fd);
  return ok;
}

/// redis-server --port N --bind 127.0.0.1, no persistence, DEBUG enabled (for DEBUG SLEEP).
/// Killed (SIGKILL, reaped) by stop() and on destruction.
class RedisServer {
 public:
  /// Starts on a free port; fails the test (and leaves running() false) if it never answers.
  RedisServer() {
    for (int attempt = 0; attempt < 5 && !proc_; ++attempt) {
      port_ = free_port();
      start();  // another process may grab the port in between: try a fresh one
    }
    EXPECT_TRUE(proc_) << "redis-server did not become ready";
  }
  ~RedisServer() { stop(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  bool running() const { return proc_ != nullptr; }

  /// SIGKILL and reap: every client connection breaks at once, as when a pod dies.
  void stop() { proc_.reset(); }

  /// (Re)starts on the same port and waits until it answers PING (bounded: 10 s). False when
  /// it did not; the test should then fail.
  bool start() {
    stop();
    net::ProcessOptions o;
    o.argv = {"redis-server", "--port", std::to_string(port_),    "--bind", "127.0.0.1", "--save",   "",
              "--appendonly", "no",     "--enable-debug-command", "yes",    "--logfile", "/dev/null"};
    o.pipe_stdin = false;
    o.pipe_stdout = false;
    o.stderr_mode = "null";
    auto p = net::Process::spawn(loop_.executor(), o);
    if (!p) {
      ADD_FAILURE() << "cannot start redis-server: " << p.error().message;
      return false;
    }
    proc_ = std::move(*p);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      if (redis_answers_ping(port_)) return true;
      if (proc_->try_wait()) break;                                // exited: the port was taken, or a bad option
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll interval, not a wait for readiness
    }
    proc_.reset();
    return false;
  }

 private:
  net::testing::Loop loop_;  // the Process's executor (it runs no I/O of ours)
  std::uint16_t port_ = 0;
  std::unique_ptr<net::Process> proc_;
};

}  // namespace kaos::clients::redis::testing
