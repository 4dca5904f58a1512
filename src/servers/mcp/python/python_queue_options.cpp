// The pool's size default and queue settings from the environment (beside python_options.cpp,
// which reads the sandbox and call settings).
#include <algorithm>
#include <thread>

#include "core/env.hpp"
#include "servers/mcp/python/python_runtime.hpp"

namespace kaos::mcp {

unsigned default_python_workers() {
  return std::min(4u, std::max(2u, std::thread::hardware_concurrency()));
}

Result<void> python_queue_options_from_env(PythonRuntimeOptions& options) {
  auto queue = env_int("MCP_PYTHON_QUEUE", 0, 100000);
  if (!queue) return queue.error();
  if (*queue) options.queue_limit = static_cast<std::size_t>(**queue);
  auto timeout = env_int("MCP_PYTHON_QUEUE_TIMEOUT_SECONDS", 1, 3600);
  if (!timeout) return timeout.error();
  if (*timeout) options.queue_timeout = std::chrono::seconds(**timeout);
  return {};
}

}  // namespace kaos::mcp
