#pragma once
// A runnable MCP server process (`kaos mcp`): the runtime named on the command line assembled
// into routes, a startup step (loading tools may take time or fail) and a stop step.
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "net/router.hpp"
#include "servers/mcp/transport.hpp"

namespace kaos::mcp {

struct RuntimeConfig {
  std::string runtime;               ///< everything | python-string | stdio
  std::string name;                  ///< announced server name; default kaos-<runtime>
  std::string params;                ///< runtime parameters (python-string: the source)
  std::vector<std::string> command;  ///< stdio: the server command and its arguments
  /// --max-sessions when given (0: the runtime's default; stdio defaults to 64 children).
  std::size_t max_sessions = 0;
  /// Entries per tools/list, resources/list and prompts/list page (native runtimes).
  std::size_t page_size = 100;
};

class McpRuntime {
 public:
  virtual ~McpRuntime() = default;
  /// Adds /mcp, /health, /ready and /metrics for this runtime. Called once, before start().
  virtual void mount(net::Executor executor, const TransportOptions& transport, net::Router& router) = 0;
  /// Runs on the server's executor before it listens; an error stops the process.
  virtual Task<Result<void>> start() = 0;
  /// Shutdown began: end sessions and children.
  virtual void stop() = 0;
};

/// The runtimes this build offers, for --help and errors.
std::vector<std::string> runtime_names();

/// Checks the configuration and builds the runtime (no I/O yet). Errors name the flag or
/// variable to fix.
Result<std::shared_ptr<McpRuntime>> make_runtime(RuntimeConfig config);

}  // namespace kaos::mcp
