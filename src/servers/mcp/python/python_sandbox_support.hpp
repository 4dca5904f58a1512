#pragma once
// Test-only helpers for the sandbox tests: temporary directories outside every scratch
// directory, environment variables set for one test, and the assertion that a tool call was
// refused with a specific, readable error.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>

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

}  // namespace kaos::mcp::python_test
