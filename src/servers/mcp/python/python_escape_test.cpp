// python-string containment, tried as an attacker would (issue 11): tool code reads secrets,
// changes ownership, modes and xattrs, connects to a host Unix socket, signals and traces the
// server. Each attempt must come back as a readable tool error naming the refusal, and the
// server must keep serving the next call.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>

#include "servers/mcp/python/python_sandbox_support.hpp"

namespace kaos::mcp {
namespace {

using python_test::call;
using python_test::expect_refused;
using python_test::Loop;
using python_test::TempDir;
using python_test::text_of;

constexpr const char* kAttacks = R"PY(
import ctypes, os, signal, socket

def echo(text: str) -> str:
    return text

def read(path: str) -> str:
    with open(path, "rb") as f:
        return f.read(200).decode(errors="replace")

def listdir(path: str) -> list:
    return sorted(os.listdir(path))

def chmod(path: str) -> str:
    os.chmod(path, 0o777)
    return "changed"

def chown(path: str) -> str:
    os.chown(path, 0, 0)
    return "changed"

def setxattr(path: str) -> str:
    os.setxattr(path, "user.kaos", b"x")
    return "changed"

def connect_unix(path: str) -> str:
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    return "connected"

def kill(pid: int) -> str:
    os.kill(pid, signal.SIGTERM)
    return "sent"

def kill_parent() -> str:
    os.kill(os.getppid(), signal.SIGKILL)
    return "sent"

def descriptors() -> list:
    fds = []
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            fds.append(fd + "=" + os.readlink("/proc/self/fd/" + fd))
        except OSError:
            pass  # the directory listing's own descriptor, closed by now
    return fds

def ptrace_parent() -> str:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.ptrace(16, os.getppid(), None, None) != 0:  # PTRACE_ATTACH
        err = ctypes.get_errno()
        raise OSError(err, "ptrace(PTRACE_ATTACH, parent): " + os.strerror(err))
    return "attached"
)PY";

class PythonEscape : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = python_test::options(kAttacks);
    o.writable_paths = {writable_.path()};
    rt_ = python_test::start(loop_, o);
    ASSERT_TRUE(rt_);
  }
  ToolResult run(std::string name, json::object args = {}) {
    return call(loop_, *rt_, std::move(name), std::move(args));
  }
  void expect_still_serving() { EXPECT_EQ(text_of(run("echo", {{"text", "still here"}})), "still here"); }

  TempDir writable_{0777};  // tool code runs as uid 65534
  Loop loop_;
  std::shared_ptr<PythonRuntime> rt_;
};

TEST_F(PythonEscape, SecretsAreNotReadable) {
  TempDir state;  // stands in for the state directory and its secrets.json
  std::string secrets = state.file("secrets.json", R"({"token":"s3cret"})", 0644);
  const std::string server = std::to_string(getpid());
  const std::pair<std::string, std::string> reads[] = {
      {"read", "/etc/shadow"},     {"read", secrets},         {"read", "/proc/" + server + "/environ"},
      {"read", "/proc/1/environ"}, {"listdir", "/root/.ssh"}, {"listdir", "/home"},
  };
  for (const auto& [tool, path] : reads) {
    auto r = run(tool, {{"path", path}});
    expect_refused(r, {"FileNotFoundError", "PermissionError"}, std::string(tool).append(" ").append(path));
    EXPECT_EQ(text_of(r).find("s3cret"), std::string::npos);
  }
  // The runtime itself stays readable.
  auto os_py = run("read", {{"path", "/usr/lib/python3.11/os.py"}});
  EXPECT_FALSE(os_py.is_error) << text_of(os_py);
  expect_still_serving();
}

TEST_F(PythonEscape, ReadablePathsAreReadableButNotChangeable) {
  TempDir shared(0755);
  std::string file = shared.file("data.txt", "shared data", 0644);
  python_test::ScopedEnv readable("MCP_SANDBOX_READABLE_PATHS", shared.path());
  auto o = python_test::options(kAttacks);
  auto reader = python_test::start(loop_, o);
  ASSERT_TRUE(reader);
  EXPECT_EQ(text_of(call(loop_, *reader, "read", {{"path", file}})), "shared data");
  // Read-only mount (or Landlock) and not the owner: EROFS or EPERM; ownership and xattrs: EPERM.
  expect_refused(call(loop_, *reader, "chmod", {{"path", file}}), {"Read-only file system", "PermissionError"},
                 "chmod of a readable file");
  expect_refused(call(loop_, *reader, "chown", {{"path", file}}), {"PermissionError"}, "chown of a readable file");
  expect_refused(call(loop_, *reader, "setxattr", {{"path", file}}), {"PermissionError", "Read-only file system"},
                 "setxattr on a readable file");
  EXPECT_EQ(std::filesystem::status(file).permissions(), std::filesystem::perms(0644));
}

TEST_F(PythonEscape, OwnershipModesAndXattrsOfHostFilesCannotChange) {
  // A root-owned file in a writable path: writable contents, but not its metadata.
  std::string file = writable_.file("owned-by-root.txt", "x", 0666);
  expect_refused(run("chmod", {{"path", file}}), {"PermissionError"}, "chmod of a host file");
  expect_refused(run("chown", {{"path", file}}), {"PermissionError"}, "chown of a host file");
  expect_refused(run("setxattr", {{"path", file}}), {"PermissionError"}, "setxattr on a host file");
  EXPECT_EQ(std::filesystem::status(file).permissions(), std::filesystem::perms(0666));
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, getuid());
  expect_still_serving();
}

TEST_F(PythonEscape, HostUnixSocketsCannotBeConnected) {
  std::string path = writable_.path() + "/host.sock";
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  chmod(path.c_str(), 0777);  // so only the sandbox, not file modes, stands in the way
  expect_refused(run("connect_unix", {{"path", path}}), {"PermissionError"}, "connect to a host Unix socket");
  close(listener);
  expect_still_serving();
}

TEST_F(PythonEscape, TheServerCannotBeSignalledOrTraced) {
  // The server's pid does not exist in the worker's PID namespace (or Landlock scoping denies it).
  expect_refused(run("kill", {{"pid", static_cast<std::int64_t>(getpid())}}), {"ProcessLookupError", "PermissionError"},
                 "kill(server pid)");
  expect_refused(run("kill_parent"), {"PermissionError"}, "kill(getppid())");
  expect_refused(run("ptrace_parent"), {"Operation not permitted", "PermissionError"}, "ptrace(getppid())");
  expect_still_serving();
  EXPECT_EQ(rt_->workers_started(), 1u);  // nothing reached the worker's own ancestors
}

// The worker closes whatever it inherited beyond 0-2 and its protocol pipes, even when the
// server leaks a descriptor (here: a listening socket opened without SOCK_CLOEXEC).
TEST(PythonEscapeFds, InheritedDescriptorsAreClosed) {
  int leaked = socket(AF_INET, SOCK_STREAM, 0);  // no SOCK_CLOEXEC: inherited by every spawn
  ASSERT_GE(leaked, 0);
  ASSERT_EQ(listen(leaked, 1), 0);
  Loop loop;
  auto rt = python_test::start(loop, python_test::options(kAttacks));
  close(leaked);
  ASSERT_TRUE(rt);
  auto r = call(loop, *rt, "descriptors");
  ASSERT_FALSE(r.is_error) << text_of(r);
  ASSERT_TRUE(r.structured);
  const auto& fds = r.structured->as_object().at("result").as_array();
  EXPECT_LE(fds.size(), 5u) << text_of(r);  // 0, 1, 2 and the two protocol pipes
  for (const auto& fd : fds) {
    std::string entry(fd.as_string());  // "3=pipe:[123]"; 0-2 are whatever the server's stdio is
    if (std::stoi(entry) >= 3) {
      EXPECT_EQ(entry.find("socket:"), std::string::npos) << text_of(r);
    }
  }
}

}  // namespace
}  // namespace kaos::mcp
