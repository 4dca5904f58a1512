// python-string sandbox: what tool code may not do by default -- open sockets to anything but
// Unix sockets, write outside its scratch directory, read anything but the runtime and its
// scratch, change ownership, modes or xattrs, connect to Unix sockets, signal or trace the
// server -- and the operator's opt-outs. Each refusal is a readable tool error, and the
// server keeps serving. Limits per call: python_limits_test.cpp; degradation:
// python_degraded_test.cpp.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "servers/mcp/python/python_sandbox_support.hpp"

namespace kaos::mcp {
namespace {

using python_test::call;
using python_test::expect_refused;
using python_test::Loop;
using python_test::ScopedEnv;
using python_test::TempDir;
using python_test::text_of;

constexpr const char* kTools = R"PY(
import os, socket

def connect(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        return "connected"

def udp() -> str:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
    return "udp socket"

def unix_pair() -> str:
    a, b = socket.socketpair(socket.AF_UNIX)
    a.sendall(b"x")
    return b.recv(1).decode()

def write(path: str) -> str:
    with open(path, "w") as f:
        f.write("data")
    return os.path.realpath(path)

def scratch() -> str:
    return os.getcwd() + "|" + os.environ.get("TMPDIR", "")

def read(path: str) -> str:
    with open(path) as f:
        return f.read(200)

def listdir(path: str) -> list:
    return sorted(os.listdir(path))

def connect_abstract(name: str) -> str:
    s = socket.socket(socket.AF_UNIX)
    s.connect("\0" + name)
    return "connected"
)PY";

// A listening TCP socket on 127.0.0.1 for the tools to try to reach.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 8) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::shared_ptr<PythonRuntime> start(Loop& loop, bool allow_network, std::vector<std::string> writable = {}) {
  auto o = python_test::options(kTools);
  o.allow_network = allow_network;
  o.writable_paths = std::move(writable);
  return python_test::start(loop, o);
}

TEST(PythonSandbox, NetworkIsDeniedByDefault) {
  Loop loop;
  Listener listener;
  auto rt = start(loop, false);
  ASSERT_TRUE(rt);
  auto tcp = call(loop, *rt, "connect", {{"port", listener.port()}});
  EXPECT_TRUE(tcp.is_error);
  EXPECT_NE(text_of(tcp).find("PermissionError"), std::string::npos) << text_of(tcp);
  auto udp = call(loop, *rt, "udp");
  EXPECT_TRUE(udp.is_error);
  EXPECT_NE(text_of(udp).find("PermissionError"), std::string::npos) << text_of(udp);
  // Unix sockets stay usable (multiprocessing, local IPC).
  EXPECT_EQ(text_of(call(loop, *rt, "unix_pair")), "x");
  auto report = rt->sandbox_report();
  EXPECT_TRUE(bool_field(report, "socket_filter").value_or(false)) << to_json(report);
}

TEST(PythonSandbox, NetworkIsAllowedWhenOptedIn) {
  Loop loop;
  Listener listener;
  auto rt = start(loop, true);
  ASSERT_TRUE(rt);
  auto tcp = call(loop, *rt, "connect", {{"port", listener.port()}});
  EXPECT_FALSE(tcp.is_error) << text_of(tcp);
  EXPECT_EQ(text_of(tcp), "connected");
  EXPECT_EQ(text_of(call(loop, *rt, "udp")), "udp socket");

  // The host's abstract Unix sockets (D-Bus, X11, ...) stay out of reach (Landlock scoping).
  if (int_field(rt->sandbox_report(), "landlock_abi").value_or(0) >= 6) {
    std::string name = "kaos-sandbox-test-" + std::to_string(getpid());
    int host = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, name.data(), name.size());
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    ASSERT_EQ(bind(host, reinterpret_cast<sockaddr*>(&addr), len), 0);
    ASSERT_EQ(listen(host, 1), 0);
    auto r = call(loop, *rt, "connect_abstract", {{"name", name}});
    close(host);
    python_test::expect_refused(r, {"PermissionError"}, "connect to a host abstract Unix socket");
  }
}

TEST(PythonSandbox, WritesOnlyInsideTheScratchDirectory) {
  Loop loop;
  TempDir outside;
  ASSERT_FALSE(outside.path().empty());
  auto rt = start(loop, false);
  ASSERT_TRUE(rt);
  KAOS_REQUIRE_SANDBOX(bool_field(rt->sandbox_report(), "filesystem_confined").value_or(false),
                       "Landlock unavailable on this kernel: " + to_json(rt->sandbox_report()));
  // Outside the minimal root the directory does not exist; with Landlock alone it is denied.
  auto denied = call(loop, *rt, "write", {{"path", outside.path() + "/file.txt"}});
  expect_refused(denied, {"FileNotFoundError", "PermissionError"}, "a write outside scratch");
  EXPECT_FALSE(std::filesystem::exists(outside.path() + "/file.txt"));

  // The working directory and TMPDIR are the worker's own scratch directory.
  auto where = text_of(call(loop, *rt, "scratch"));
  auto bar = where.find('|');
  ASSERT_NE(bar, std::string::npos) << where;
  EXPECT_EQ(where.substr(0, bar), where.substr(bar + 1));
  auto inside = call(loop, *rt, "write", {{"path", "relative.txt"}});
  EXPECT_FALSE(inside.is_error) << text_of(inside);
  EXPECT_EQ(text_of(inside), where.substr(0, bar) + "/relative.txt");
  // Scratch is the worker's own tmpfs: the file is there for the next call, not on the host.
  EXPECT_EQ(text_of(call(loop, *rt, "read", {{"path", "relative.txt"}})), "data");

  rt.reset();  // the scratch directory goes with its worker
  EXPECT_FALSE(std::filesystem::exists(where.substr(0, bar)));
}

TEST(PythonSandbox, OperatorWritablePathsAreWritable) {
  Loop loop;
  TempDir allowed(0777);  // tool code runs as uid 65534
  ASSERT_FALSE(allowed.path().empty());
  auto rt = start(loop, false, {allowed.path()});
  ASSERT_TRUE(rt);
  auto r = call(loop, *rt, "write", {{"path", allowed.path() + "/out.txt"}});
  EXPECT_FALSE(r.is_error) << text_of(r);
  EXPECT_TRUE(std::filesystem::exists(allowed.path() + "/out.txt"));
}

}  // namespace
}  // namespace kaos::mcp
