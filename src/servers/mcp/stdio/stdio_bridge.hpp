#pragma once
// The stdio bridge: serves a stdio MCP server (newline-delimited JSON-RPC on its stdin/stdout)
// through the Streamable HTTP transport. ONE CHILD PROCESS PER MCP SESSION: stdio servers keep
// per-connection state (their own initialize, capabilities, subscriptions, log level), so
// sessions sharing a child would see each other's state; a crash also only ends its session.
// The cost is one process per session, bounded by `max_sessions`.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "net/task.hpp"
#include "servers/mcp/session_handler.hpp"

namespace kaos::mcp {

struct StdioBridgeOptions {
  std::vector<std::string> command;                  ///< program and arguments; the program is looked up in PATH
  std::map<std::string, std::string> env;            ///< added to (overriding) the inherited environment
  std::string working_dir;                           ///< empty: the bridge's own
  std::size_t max_sessions = 64;                     ///< children alive at once; more initialize calls fail
  std::size_t max_message_bytes = 16 * 1024 * 1024;  ///< longest line accepted from the child
  std::chrono::milliseconds shutdown_grace{2000};    ///< SIGTERM → SIGKILL delay on close
};

/// Counters for /metrics and tests. Updated with relaxed atomics from the sessions' strands.
struct StdioBridgeStats {
  std::atomic<std::uint64_t> children_started{0};
  std::atomic<std::uint64_t> children_exited{0};    ///< reaped, whatever the cause
  std::atomic<std::uint64_t> children_crashed{0};   ///< exited while their session was open
  std::atomic<std::uint64_t> sessions_rejected{0};  ///< initialize refused at max_sessions or spawn failure
  std::atomic<std::uint64_t> messages_in{0};        ///< client → child
  std::atomic<std::uint64_t> messages_out{0};       ///< child → client
  std::atomic<std::uint64_t> invalid_lines{0};      ///< child lines skipped (not JSON-RPC, too long)
  std::atomic<std::int64_t> children_running{0};
};

/// Checks the command before serving: non-empty, the program exists and is executable, the
/// working directory exists. The error names the program and the fix; it does not start it.
Result<void> check_stdio_command(const StdioBridgeOptions& options);

/// The SessionFactory of the bridge: each call (one per `initialize`) starts a child. Errors
/// (limit reached, program failed to start) become the initialize's JSON-RPC error. Sessions
/// run on strands of `executor`. Every child is terminated (SIGTERM, SIGKILL after the grace)
/// and reaped when its session closes.
SessionFactory make_stdio_bridge(net::Executor executor, StdioBridgeOptions options,
                                 std::shared_ptr<StdioBridgeStats> stats);

/// The JSON-RPC error code of requests a dead child can no longer answer.
inline constexpr int kStdioServerGone = -32000;

}  // namespace kaos::mcp
