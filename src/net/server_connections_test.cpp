// Connection lifetime: a client's EOF between requests closes the connection at once, the
// first-byte timeout, the connection limit shedding the connection idle the longest, and
// running out of descriptors. Raw POSIX sockets: no io_context (and its descriptors) per client.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "net/detail/test_support.hpp"

namespace kaos::net {
namespace {

using test::Gate;
using test::Loop;
using test::request;
using test::TestServer;
using Clock = std::chrono::steady_clock;

std::shared_ptr<Router> router(Gate* gate = nullptr, std::atomic<int>* waiting = nullptr) {
  auto r = std::make_shared<Router>();
  r->get("/ping", [](Request&) -> Task<Response> { co_return Response::text(200, "pong"); });
  r->get("/wait", [gate, waiting](Request&) -> Task<Response> {
    if (waiting) ++*waiting;
    co_await gate->wait();
    co_return Response::text(200, "waited");
  });
  return r;
}

/// A blocking loopback client socket; -1 when the connect failed.
class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) return;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}

  bool ok() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == (ssize_t)bytes.size();
  }
  /// Reads until `needle` arrived, the peer closed, or `limit` passed.
  std::string read_until(std::string_view needle, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::string out;
    auto deadline = Clock::now() + limit;
    while (out.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{fd_, POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[4096];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  /// True when the server closed the connection within `limit` (EOF or reset).
  bool closed_by_server(std::chrono::milliseconds limit) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
    char b;
    return ::recv(fd_, &b, 1, MSG_DONTWAIT) <= 0;
  }
  /// True while the server has not closed the connection (nothing to read, no EOF).
  bool still_open() {
    char b;
    auto n = ::recv(fd_, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

 private:
  int fd_;
};

constexpr std::string_view kPing = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";

/// Polls `cond` until it holds or `limit` passes.
template <class Cond>
bool eventually(Cond cond, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

TEST(ServerConnections, ClientCloseAfterAResponseClosesTheConnectionAtOnce) {
  // The regression: the disconnect watcher's receive, still queued from the handler, took the
  // EOF and the session's read behind it never completed, so the socket sat in CLOSE-WAIT
  // until the idle timeout (75 s by default).
  for (int threads : {1, 2}) {
    Loop loop(threads);
    ServerOptions o;
    o.single_thread = threads == 1;
    o.idle_timeout = std::chrono::seconds(60);
    TestServer srv(loop, router(), o);
    for (int i = 0; i < 3; ++i) {
      Client c(srv.port());
      ASSERT_TRUE(c.ok());
      ASSERT_TRUE(c.send(kPing));
      ASSERT_NE(c.read_until("pong").find("pong"), std::string::npos);
    }  // each closes here, after its answer
    EXPECT_TRUE(eventually([&] { return srv.server().connection_count() == 0; }))
        << srv.server().connection_count() << " connection(s) still open with " << threads << " thread(s)";
  }
}

TEST(ServerConnections, ABurstOfRequestThenCloseClientsLeavesNothingOpen) {
  Loop loop(2);
  ServerOptions o;
  o.idle_timeout = std::chrono::seconds(60);
  TestServer srv(loop, router(), o);
  for (int i = 0; i < 1000; ++i) {
    Client c(srv.port());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.send(kPing));
    ASSERT_NE(c.read_until("pong").find("pong"), std::string::npos) << "client " << i;
  }
  EXPECT_TRUE(eventually([&] { return srv.server().connection_count() == 0; }))
      << srv.server().connection_count() << " connection(s) still open";
}

TEST(ServerConnections, AConnectionThatSendsNothingIsClosedAtTheFirstByteTimeout) {
  Loop loop;
  ServerOptions o;
  o.first_byte_timeout = std::chrono::milliseconds(200);
  o.idle_timeout = std::chrono::seconds(60);
  TestServer srv(loop, router(), o);
  Client silent(srv.port());
  ASSERT_TRUE(silent.ok());
  auto start = Clock::now();
  EXPECT_TRUE(silent.closed_by_server(std::chrono::seconds(5)));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(150));
}

TEST(ServerConnections, KeepAliveBetweenRequestsGetsTheIdleTimeoutNotTheFirstByteOne) {
  Loop loop;
  ServerOptions o;
  o.first_byte_timeout = std::chrono::milliseconds(100);
  o.idle_timeout = std::chrono::seconds(60);
  TestServer srv(loop, router(), o);
  Client c(srv.port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.send(kPing));
  ASSERT_NE(c.read_until("pong").find("pong"), std::string::npos);
  // Well past the first-byte timeout, the kept-alive connection still serves.
  EXPECT_FALSE(c.closed_by_server(std::chrono::milliseconds(400)));
  ASSERT_TRUE(c.send(kPing));
  EXPECT_NE(c.read_until("pong").find("pong"), std::string::npos);
}

TEST(ServerConnections, AtTheLimitTheConnectionIdleLongestMakesRoom) {
  Loop loop(2);
  ServerOptions o;
  o.max_connections = 20;
  TestServer srv(loop, router(), o);
  std::vector<Client> idle;
  for (int i = 0; i < 20; ++i) {
    idle.emplace_back(srv.port());
    ASSERT_TRUE(idle.back().ok());
    // Accepted in order, so "idle longest" is the order they connected in.
    ASSERT_TRUE(eventually([&] { return srv.server().connection_count() == static_cast<std::size_t>(i + 1); }));
  }
  // Each newcomer makes a request and stays: idle since its answer, later than the silent ones.
  std::vector<Client> fresh;
  for (std::size_t round = 0; round < 3; ++round) {
    fresh.emplace_back(srv.port());
    ASSERT_TRUE(fresh.back().ok());
    ASSERT_TRUE(fresh.back().send(kPing));
    EXPECT_NE(fresh.back().read_until("pong").find("pong"), std::string::npos) << "round " << round;
    EXPECT_TRUE(idle[round].closed_by_server(std::chrono::seconds(5))) << "round " << round;
  }
  for (std::size_t i = 3; i < idle.size(); ++i) EXPECT_TRUE(idle[i].still_open()) << "connection " << i;
  for (auto& f : fresh) EXPECT_TRUE(f.still_open());
  EXPECT_EQ(srv.server().connections_shed(), 3u);
}

TEST(ServerConnections, AConnectionInAHandlerIsNeverShed) {
  Loop loop(2);
  Gate gate;
  std::atomic<int> waiting{0};
  ServerOptions o;
  o.max_connections = 2;
  TestServer srv(loop, router(&gate, &waiting), o);
  Client busy(srv.port());
  ASSERT_TRUE(busy.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return waiting.load() == 1; }));
  Client idle(srv.port());
  ASSERT_TRUE(eventually([&] { return srv.server().connection_count() == 2; }));
  // At the limit, the idle one makes room; the one in a handler stays.
  Client second(srv.port());
  ASSERT_TRUE(second.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(idle.closed_by_server(std::chrono::seconds(5)));
  ASSERT_TRUE(eventually([&] { return waiting.load() == 2 && srv.server().connection_count() == 2; }));
  // Both in handlers: nothing to shed, a newcomer is closed unanswered.
  Client refused(srv.port());
  EXPECT_TRUE(refused.closed_by_server(std::chrono::seconds(5)));
  EXPECT_EQ(srv.server().connections_shed(), 1u);
  gate.open();
  EXPECT_NE(busy.read_until("waited").find("waited"), std::string::npos);
  EXPECT_NE(second.read_until("waited").find("waited"), std::string::npos);
}

/// Lowers the soft open-file limit for one test and restores it.
class FileLimit {
 public:
  explicit FileLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit l = saved_;
    l.rlim_cur = soft;
    ok_ = setrlimit(RLIMIT_NOFILE, &l) == 0;
  }
  ~FileLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  bool ok_ = false;
};

int open_descriptors() {
  int n = 0;
  for (int fd = 0; fd < 4096; ++fd)
    if (fcntl(fd, F_GETFD) != -1) n = fd + 1;
  return n;  // the highest open descriptor + 1: new ones get the lowest free numbers
}

TEST(ServerConnections, OutOfDescriptorsTheServerShedsAnIdleConnectionInsteadOfSpinning) {
  Loop loop;
  ServerOptions o;
  o.single_thread = true;
  o.max_connections = 1000;  // far above what the descriptors allow below
  TestServer srv(loop, router(), o);
  std::vector<Client> idle;
  for (int i = 0; i < 10; ++i) idle.emplace_back(srv.port());
  ASSERT_TRUE(eventually([&] { return srv.server().connection_count() == 10; }));
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  {
    // Room for exactly one more descriptor: the new client's own socket. The server's accept()
    // then fails with EMFILE.
    FileLimit limit(static_cast<rlim_t>(open_descriptors() + 1));
    ASSERT_TRUE(limit.ok());
    std::vector<int> fillers;  // take every free number below the limit but one
    for (int fd; (fd = ::dup(0)) >= 0;) fillers.push_back(fd);
    ASSERT_FALSE(fillers.empty());
    ::close(fillers.back());
    fillers.pop_back();
    Client fresh(srv.port());
    ASSERT_TRUE(fresh.ok());
    // The server frees the descriptor of the connection idle longest, then accepts.
    EXPECT_TRUE(idle[0].closed_by_server(std::chrono::seconds(5)));
    idle[0].close();  // our end too, so the descriptor count stays as it was
    ASSERT_TRUE(fresh.send(kPing));
    EXPECT_NE(fresh.read_until("pong").find("pong"), std::string::npos);
    for (int fd : fillers) ::close(fd);
  }
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  auto cpu_ms = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1000;
  };
  EXPECT_LT(cpu_ms(after) - cpu_ms(before), 1000) << "the accept loop spun";
  // Usually exactly one is shed; on a loaded machine the retry 20 ms later may still find no
  // descriptor (seen 1 run in ~20) and shed the next oldest. The rest stay.
  std::size_t open = 0;
  for (std::size_t i = 1; i < idle.size(); ++i) open += idle[i].still_open() ? 1 : 0;
  EXPECT_GE(open, idle.size() - 3);
}

TEST(ServerConnections, TheOpenFileLimitLowersTheConnectionLimit) {
  Loop loop;
  FileLimit limit(1024);
  ASSERT_TRUE(limit.ok());
  ServerOptions o;
  o.max_connections = 10'000;
  TestServer srv(loop, router(), o);
  EXPECT_EQ(srv.server().connection_limit(), 1024u - 128u);
}

}  // namespace
}  // namespace kaos::net
