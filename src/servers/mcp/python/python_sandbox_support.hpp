#pragma once
// Test-only helpers for the sandbox tests: temporary directories outside every scratch
// directory, environment variables set for one test, and the assertion that a tool call was
// refused with a specific, readable error.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "servers/mcp/python/python_test_support.hpp"

namespace kaos::mcp::python_test {

// A directory outside every worker's scratch directory, removed afterwards. `mode` matters:
// tool code runs as uid 65534, so a path it may use must be reachable by others.
class TempDir {
 public:
  explicit TempDir(mode_t mode = 0700) {
    std::string pattern = (std::filesystem::temp_directory_path() / "kaos-sandbox-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) ? pattern : "";
    if (!path_.empty()) chmod(path_.c_str(), mode);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// Creates `name` with `text` and `mode`; returns its path.
  std::string file(const std::string& name, const std::string& text, mode_t mode = 0644) const {
    std::string p = path_ + "/" + name;
    FILE* f = std::fopen(p.c_str(), "w");
    if (f) {
      std::fputs(text.c_str(), f);
      std::fclose(f);
    }
    chmod(p.c_str(), mode);
    return p;
  }

 private:
  std::string path_;
};

// Sets (or, with nullopt, unsets) an environment variable for one scope. Workers inherit the
// server's environment, and the runtime reads the MCP_SANDBOX_* variables at each worker start.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) {
      setenv(name_.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

/// The call failed with an isError result whose text contains one of `expected` (the Python
/// exception, e.g. "FileNotFoundError"); the message names the call for the failure report.
inline void expect_refused(const ToolResult& r, std::initializer_list<const char*> expected, const std::string& what) {
  EXPECT_TRUE(r.is_error) << what << " was not refused: " << text_of(r);
  std::string text = text_of(r);
  bool found = false;
  for (const char* e : expected) found = found || text.find(e) != std::string::npos;
  EXPECT_TRUE(found) << what << ": unexpected error: " << text;
}

/// Host pids whose comm (/proc/<pid>/stat) is `name`, zombies excepted.
inline std::vector<int> processes_named(const std::string& name) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= line.size()) continue;
    if (line.substr(open + 1, close - open - 1) == name && line[close + 2] != 'Z') {
      out.push_back(std::stoi(line.substr(0, open)));
    }
  }
  return out;
}

/// A process name (comm, at most 15 characters) no other test uses.
inline std::string unique_process_name() {
  return "kaosesc" + std::to_string(std::random_device{}() % 100000000);
}

/// True when no process named `name` is left within 5 s. Polled: a process killed before a
/// call's answer is reaped by its namespace's init (or the host's) just after. Survivors are
/// killed before returning false, so that a failing test leaves nothing behind (an escapee
/// would also hold the test's output pipe open).
inline bool gone_soon(const std::string& name) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!processes_named(name).empty()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      for (int pid : processes_named(name)) kill(pid, SIGKILL);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

/// A test that needs a mechanism this machine lacks fails, naming it, unless the developer
/// opted into a degraded machine with KAOS_TEST_ALLOW_DEGRADED_SANDBOX=1 (then it is skipped, and
/// ctest's output says so): a skip is never counted as a pass by default.
inline bool degraded_sandbox_allowed() {
  const char* v = std::getenv("KAOS_TEST_ALLOW_DEGRADED_SANDBOX");
  return v != nullptr && std::string_view(v) == "1";
}
#define KAOS_REQUIRE_SANDBOX(available, what)                                                               \
  do {                                                                                                      \
    if (!(available)) {                                                                                     \
      if (::kaos::mcp::python_test::degraded_sandbox_allowed()) GTEST_SKIP() << (what);                     \
      FAIL() << (what) << " (on a machine without it, KAOS_TEST_ALLOW_DEGRADED_SANDBOX=1 skips this test)"; \
    }                                                                                                       \
  } while (false)

}  // namespace kaos::mcp::python_test
