#pragma once
// Helpers for the MCP client tests: an io_context on a background thread, running coroutines
// to completion from the test thread, a one-shot flag, and the Node test servers of
// tests/conformance/mcp/servers started as child processes (found via KAOS_SOURCE_DIR).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/task.hpp"
#include "net/testing.hpp"

namespace kaos::clients::mcp::test {
namespace asio = boost::asio;
using net::testing::Flag;
using net::testing::Loop;

/// A port nothing listens on (bound, read, closed).
inline std::uint16_t unused_port() {
  asio::io_context ioc;
  asio::ip::tcp::acceptor a(ioc, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

/// `node tests/conformance/mcp/servers/<script> args...`, stopped (SIGTERM, then reaped) on
/// destruction. The constructor waits for the "listening on http://127.0.0.1:PORT" line.
class NodeServer {
 public:
  NodeServer(std::string script, std::vector<std::string> args = {}) {
    const std::string dir = std::string(KAOS_SOURCE_DIR) + "/tests/conformance/mcp/servers";
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      if (::chdir(dir.c_str()) != 0) ::_exit(126);
      std::vector<std::string> argv_s{"node", script};
      argv_s.insert(argv_s.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : argv_s) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp("node", argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
    std::string buf;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (port_ == 0 && std::chrono::steady_clock::now() < until) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char chunk[512];
      auto n = ::read(out_, chunk, sizeof chunk);
      if (n <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(n));
      auto at = buf.find("listening on http://127.0.0.1:");
      if (at != std::string::npos && buf.find('\n', at) != std::string::npos)
        port_ = static_cast<std::uint16_t>(std::stoi(buf.substr(at + 30)));
    }
    if (port_ == 0) ADD_FAILURE() << "node " << script << " did not start: " << buf;
  }
  ~NodeServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;
  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace kaos::clients::mcp::test
