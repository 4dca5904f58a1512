#pragma once
// The sandbox settings of python-string workers (PythonRuntimeOptions::sandbox): extra
// read-only paths, the scratch quota, the process limit, and whether an incomplete sandbox is
// acceptable. Read from the environment once by sandbox_policy_from_env (python_options.cpp),
// handed to every worker as flags.
#include <cstddef>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace kaos::mcp::python {

struct SandboxPolicy {
  std::vector<std::string> readable_paths;  ///< absolute, existing; bound read-only
  std::size_t scratch_mb = 256;             ///< size of the scratch tmpfs
  std::size_t max_processes = 64;           ///< per worker, the whole process tree
  bool strict = false;                      ///< refuse to start without full containment
};

/// MCP_SANDBOX_READABLE_PATHS (colon-separated absolute paths), MCP_SANDBOX_SCRATCH_MB,
/// MCP_SANDBOX_MAX_PROCESSES, MCP_SANDBOX_REQUIRE (best-effort|strict). Errors ("invalid")
/// name the variable, the value and what is accepted.
Result<SandboxPolicy> sandbox_policy_from_env();

}  // namespace kaos::mcp::python
