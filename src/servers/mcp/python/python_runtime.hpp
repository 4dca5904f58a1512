#pragma once
// The python-string MCP runtime: serves the top-level functions of a Python source (KAOS's
// MCP_TOOLS_STRING) as MCP tools. The code runs in a pool of sandboxed kaos-python-worker
// processes, never in this process (README.md, docs/mcp-python-string.md).
//
//   auto options = python_runtime_options_from_env(source_text);        // validated settings
//   auto runtime = co_await start_python_runtime(executor, *options, server);
//   // ...serve; keep `runtime` alive as long as the server (the tools also hold it)
//
// Thread-safety: PythonRuntime is safe to call from any thread or strand; its workers live on
// an internal strand. Lifetime: workers die with the last reference to the runtime.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/task.hpp"
#include "servers/mcp/python/sandbox_policy.hpp"
#include "servers/mcp/tool.hpp"

namespace kaos::mcp {

class McpServer;

/// The pool size when MCP_PYTHON_WORKERS is not set: min(4, max(2, hardware threads)). Two
/// even on one core, so a single spinning tool cannot hold every call up to the call timeout;
/// at most four, because each worker is a whole CPython (tens of MB) with its own module state.
unsigned default_python_workers();

struct PythonRuntimeOptions {
  std::string source;                            ///< the Python source
  std::string source_name = "MCP_TOOLS_STRING";  ///< names it in errors ("MCP_TOOLS_STRING line 3: ...")
  /// The kaos-python-worker executable; empty: KAOS_PYTHON_WORKER, else beside this executable.
  std::string worker_path;
  unsigned workers = default_python_workers();  ///< concurrent calls; more queue
  /// Calls that may wait for a worker; one more is refused at once with a "busy" tool error.
  std::size_t queue_limit = 64;
  /// How long a call may wait for a worker before it is refused with a "busy" tool error.
  std::chrono::milliseconds queue_timeout{10000};
  std::chrono::milliseconds call_timeout{30000};
  std::size_t memory_limit_mb = 512;  ///< per worker (RLIMIT_AS)
  bool allow_network = false;
  std::vector<std::string> writable_paths;  ///< absolute, existing; writable besides the scratch dir
  python::SandboxPolicy sandbox;            ///< readable paths, scratch quota, process limit, strict
};

/// Reads MCP_TOOL_TIMEOUT_SECONDS, MCP_TOOL_MEMORY_MB, MCP_PYTHON_WORKERS, the queue
/// (python_queue_options_from_env), MCP_SANDBOX_NETWORK (allow|deny), MCP_SANDBOX_WRITABLE_PATHS
/// (colon-separated absolute paths), the SandboxPolicy (sandbox_policy_from_env) and
/// KAOS_PYTHON_WORKER. The source is `source` when given (e.g. a --params-file's text), else
/// MCP_TOOLS_STRING. Errors ("invalid") name the variable, the value and what is accepted.
Result<PythonRuntimeOptions> python_runtime_options_from_env(std::optional<std::string> source = std::nullopt,
                                                             std::string source_name = "MCP_TOOLS_STRING");

/// Reads the pool's queue settings into `options`: MCP_PYTHON_QUEUE (waiting calls, 0-100000)
/// and MCP_PYTHON_QUEUE_TIMEOUT_SECONDS (1-3600). Errors ("invalid") name the variable.
Result<void> python_queue_options_from_env(PythonRuntimeOptions& options);

/// The kaos-python-worker path `options` resolve to (see PythonRuntimeOptions::worker_path).
std::string resolve_python_worker_path(const PythonRuntimeOptions& options);

class PythonRuntime {
 public:
  /// Starts the first worker and loads the source in it (the others start when calls need them). Errors: "invalid" with
  /// the source's message (syntax error with its line, exception at import, no functions, *args); "not_found" (no
  /// worker executable), "io", "timeout" (startup).
  static net::Task<Result<std::shared_ptr<PythonRuntime>>> start(net::Executor executor, PythonRuntimeOptions options);
  ~PythonRuntime();
  PythonRuntime(const PythonRuntime&) = delete;
  PythonRuntime& operator=(const PythonRuntime&) = delete;

  /// One Tool per function, in source order, with handlers that call this runtime.
  std::vector<Tool> tools();
  /// Runs a tool in a free worker, else waits in a FIFO queue of at most `queue_limit` calls
  /// for `queue_timeout`. Every failure -- busy (queue full or its deadline passed), exception,
  /// timeout, crash, cancellation -- is an isError result naming the tool (a busy one also
  /// names the variable to raise); the server keeps serving, a failed worker is replaced
  /// before the next call it takes. Cancelling the awaiting coroutine removes a waiting call
  /// from the queue, or kills the worker of a running one.
  net::Task<ToolResult> call(std::string name, json::object arguments);
  /// What the sandbox of the first worker enforced (its "ready" report).
  json::object sandbox_report() const;
  /// Workers started so far, replacements included (for tests and metrics).
  std::size_t workers_started() const;
  /// Calls waiting for a worker now (for tests and metrics).
  std::size_t calls_waiting() const;

  struct Impl;

 private:
  explicit PythonRuntime(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

/// PythonRuntime::start, then registers every tool on `server`. The returned runtime must
/// outlive serving (the tools hold it too, so dropping the server's tools releases it).
net::Task<Result<std::shared_ptr<PythonRuntime>>> start_python_runtime(net::Executor executor,
                                                                       PythonRuntimeOptions options, McpServer& server);

}  // namespace kaos::mcp
