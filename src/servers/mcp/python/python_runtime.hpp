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
#include "servers/mcp/tool.hpp"

namespace kaos::mcp {

class McpServer;

struct PythonRuntimeOptions {
  std::string source;                            ///< the Python source
  std::string source_name = "MCP_TOOLS_STRING";  ///< names it in errors ("MCP_TOOLS_STRING line 3: ...")
  /// The kaos-python-worker executable; empty: KAOS_PYTHON_WORKER, else beside this executable.
  std::string worker_path;
  unsigned workers = 1;  ///< concurrent calls; more queue
  std::chrono::milliseconds call_timeout{30000};
  std::size_t memory_limit_mb = 512;  ///< per worker (RLIMIT_AS)
  bool allow_network = false;
  std::vector<std::string> writable_paths;  ///< absolute, existing; writable besides the scratch dir
};

/// Reads MCP_TOOL_TIMEOUT_SECONDS, MCP_TOOL_MEMORY_MB, MCP_PYTHON_WORKERS, MCP_SANDBOX_NETWORK
/// (allow|deny), MCP_SANDBOX_WRITABLE_PATHS (colon-separated absolute paths) and
/// KAOS_PYTHON_WORKER. The source is `source` when given (e.g. a --params-file's text), else
/// MCP_TOOLS_STRING. Errors ("invalid") name the variable, the value and what is accepted.
Result<PythonRuntimeOptions> python_runtime_options_from_env(std::optional<std::string> source = std::nullopt,
                                                             std::string source_name = "MCP_TOOLS_STRING");

/// The kaos-python-worker path `options` resolve to (see PythonRuntimeOptions::worker_path).
std::string resolve_python_worker_path(const PythonRuntimeOptions& options);

class PythonRuntime {
 public:
  /// Starts the worker pool and loads the source in every worker. Errors: "invalid" with the
  /// source's message (syntax error with its line, exception at import, no functions, *args);
  /// "not_found" (no worker executable), "io", "timeout" (startup).
  static net::Task<Result<std::shared_ptr<PythonRuntime>>> start(net::Executor executor, PythonRuntimeOptions options);
  ~PythonRuntime();
  PythonRuntime(const PythonRuntime&) = delete;
  PythonRuntime& operator=(const PythonRuntime&) = delete;

  /// One Tool per function, in source order, with handlers that call this runtime.
  std::vector<Tool> tools();
  /// Runs a tool in a free worker (queueing while all are busy). Every failure -- exception,
  /// timeout, crash, cancellation -- is an isError result naming the tool; the server keeps
  /// serving, a failed worker is replaced before the next call it takes.
  net::Task<ToolResult> call(std::string name, json::object arguments);
  /// What the sandbox of the first worker enforced (its "ready" report).
  json::object sandbox_report() const;
  /// Workers started so far, replacements included (for tests and metrics).
  std::size_t workers_started() const;

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
