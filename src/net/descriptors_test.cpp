// No descriptor of ours reaches a child: a program started by net::Process sees 0, 1 and 2
// only, although the parent holds a descriptor opened without O_CLOEXEC, a listening server,
// accepted connections and a pooled client connection; and every socket net opened is
// itself close-on-exec (for children that others start, e.g. through a library).
#include "net/descriptors.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "net/detail/test_support.hpp"
#include "net/process.hpp"
#include "net/router.hpp"

namespace kaos::net {
namespace {

using test::Loop;

std::set<int> open_descriptors(const std::string& dir) {
  std::set<int> fds;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return fds;
  const int own = ::dirfd(d);
  while (auto* e = ::readdir(d)) {
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9') fds.insert(std::atoi(e->d_name));
  }
  ::closedir(d);
  fds.erase(own);  // the listing's own descriptor (harmless when listing another process)
  return fds;
}

int port_of(int fd, bool peer) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                : ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return rc == 0 && addr.sin_family == AF_INET ? ntohs(addr.sin_port) : -1;
}

// A server with one route, a pooled client connection to it and a raw connection parked in
// the middle of a request: a listening socket, two accepted sockets and one outgoing socket.
struct Sockets {
  Loop loop;
  test::TestServer server{loop, [] {
                            auto r = std::make_shared<Router>();
                            r->get("/ok", [](Request&) -> Task<Response> { co_return Response::text(200, "ok"); });
                            return r;
                          }()};
  HttpClient client{loop.executor()};
  std::unique_ptr<test::RawSocket> raw;

  Sockets() {
    auto res = loop.run(client.send(test::request("GET", server.url("/ok"))));
    EXPECT_TRUE(res && res->status == 200);
    raw = std::make_unique<test::RawSocket>(server.port());
    raw->send("GET /ok HTTP/1.1\r\n");  // half a request: the server holds the connection
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server.server().connection_count() < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(server.server().connection_count(), 2u) << "the raw connection was not accepted";
  }
};

TEST(Descriptors, ChildSeesOnlyStdioWhateverTheParentHolds) {
  Sockets s;
  int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 3);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);  // and a pipe without it
  ProcessOptions o;
  o.argv = {"sleep", "30"};
  o.pipe_stdout = false;
  auto p = Process::spawn(s.loop.executor(), o);
  ASSERT_TRUE(p) << p.error().message;
  // spawn returns after execve succeeded, but the dynamic loader may still hold a library
  // open for a moment: poll until the program settles. An inherited descriptor never closes.
  const std::string dir = "/proc/" + std::to_string((*p)->pid()) + "/fd";
  const std::set<int> stdio{0, 1, 2};
  auto seen = open_descriptors(dir);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (seen != stdio && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    seen = open_descriptors(dir);
  }
  EXPECT_EQ(seen, stdio);
  ::close(leaky);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Descriptors, EverySocketNetOpensIsCloseOnExec) {
  Sockets s;
  const int port = s.server.port();
  const int raw = s.raw->socket().native_handle();  // the test's own socket, not net's
  int checked = 0;
  for (int fd : open_descriptors("/proc/self/fd")) {
    if (fd == raw || (port_of(fd, false) != port && port_of(fd, true) != port)) continue;
    ++checked;
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC) << "descriptor " << fd << " (port " << port << ")";
  }
  // The listener, the accepted pooled and raw connections, the client's pooled connection.
  EXPECT_GE(checked, 4);
}

TEST(Descriptors, CloseDescriptorsFromKeepsTheOneAskedFor) {
  // In a forked child, as spawn uses it: everything from 3 on goes except `keep`.
  int a = ::open("/dev/null", O_RDONLY);
  int keep = ::open("/dev/null", O_RDONLY);
  int b = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(a, 3);
  pid_t pid = ::fork();
  if (pid == 0) {
    close_descriptors_from(3, keep);
    bool ok =
        ::fcntl(a, F_GETFD) < 0 && ::fcntl(b, F_GETFD) < 0 && ::fcntl(keep, F_GETFD) >= 0 && ::fcntl(0, F_GETFD) >= 0;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ::close(a);
  ::close(keep);
  ::close(b);
}

}  // namespace
}  // namespace kaos::net
