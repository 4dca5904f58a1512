#pragma once
// `kaos mcp --runtime stdio -- COMMAND ARGS...`: the McpRuntime (mcp/runtime.hpp) that serves
// the stdio bridge at /mcp, with /health, /ready and /metrics beside it.
#include <memory>

#include "core/result.hpp"
#include "servers/mcp/runtime.hpp"
#include "servers/mcp/stdio/stdio_bridge.hpp"

namespace kaos::mcp {

/// Builds the runtime from config.command (nothing starts yet; McpRuntime::start() checks that
/// the program exists, so a typo stops the process before it listens). `bridge.command` is
/// replaced by config.command. The transport's session bound is lowered to
/// bridge.max_sessions, so at the limit the least recently used idle session (and its child)
/// is ended first; initialize fails only when every session is busy.
Result<std::shared_ptr<McpRuntime>> make_stdio_runtime(RuntimeConfig config, StdioBridgeOptions bridge = {});

}  // namespace kaos::mcp
