#pragma once
// `kaos mcp --runtime python-string`: the McpRuntime (mcp/runtime.hpp) that serves a native
// McpServer whose tools come from a PythonRuntime.
#include <memory>

#include "core/result.hpp"
#include "servers/mcp/runtime.hpp"

namespace kaos::mcp {

/// Reads the python-string settings (MCP_* variables; the source is config.params, else
/// MCP_TOOLS_STRING) without starting anything. Errors name the variable to fix. The workers
/// start and load the source in McpRuntime::start(), whose error (e.g. "MCP_TOOLS_STRING line 4:
/// invalid syntax (def broken(:)") stops the process before it listens.
Result<std::shared_ptr<McpRuntime>> make_python_string_runtime(RuntimeConfig config);

}  // namespace kaos::mcp
