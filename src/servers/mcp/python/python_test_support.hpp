#pragma once
// Test-only helpers for the python-string tests: an io_context on a background thread,
// runtimes started with the freshly built worker (KAOS_TEST_PYTHON_WORKER, set by
// worker/CMakeLists.txt), and readable views of results.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <optional>
#include <thread>

#include "net/testing.hpp"
#include "servers/mcp/python/python_runtime.hpp"

namespace kaos::mcp::python_test {
namespace asio = boost::asio;
using net::testing::Loop;

inline PythonRuntimeOptions options(std::string source) {
  PythonRuntimeOptions o;
  o.source = std::move(source);
  o.worker_path = KAOS_TEST_PYTHON_WORKER;
  // The sandbox settings as the environment gives them (tests set them with ScopedEnv first);
  // a malformed one fails the test that set it when the runtime does not start as expected.
  if (auto policy = python::sandbox_policy_from_env()) o.sandbox = std::move(*policy);
  return o;
}

inline Result<std::shared_ptr<PythonRuntime>> try_start(Loop& loop, PythonRuntimeOptions o) {
  return loop.run(PythonRuntime::start(loop.executor(), std::move(o)));
}

inline std::shared_ptr<PythonRuntime> start(Loop& loop, PythonRuntimeOptions o) {
  auto r = try_start(loop, std::move(o));
  if (!r) {
    ADD_FAILURE() << "runtime did not start: " << r.error().message;
    return nullptr;
  }
  return *r;
}

inline ToolResult call(Loop& loop, PythonRuntime& rt, std::string name, json::object args = {}) {
  return loop.run(rt.call(std::move(name), std::move(args)));
}

/// The text blocks of a result, joined by newlines.
inline std::string text_of(const ToolResult& r) {
  std::string out;
  for (const auto& block : r.content) {
    const auto* o = block.if_object();
    if (!o) continue;
    if (auto t = string_field(*o, "text")) {
      if (!out.empty()) out += "\n";
      out += *t;
    }
  }
  return out;
}

}  // namespace kaos::mcp::python_test
