// PythonRuntimeOptions from the environment (the variables a manifest sets through
// spec.container.env) and the worker executable's location.
#include <unistd.h>
#include <filesystem>

#include "core/env.hpp"
#include "servers/mcp/python/python_runtime.hpp"
#include "servers/mcp/python/sandbox_policy.hpp"

namespace kaos::mcp {
namespace {

Result<std::vector<std::string>> parse_paths(const char* variable, const std::string& value) {
  std::vector<std::string> paths;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(':', start);
    if (end == std::string::npos) end = value.size();
    std::string path = value.substr(start, end - start);
    start = end + 1;
    if (path.empty()) continue;
    if (path.front() != '/') {
      return Error::invalid(std::string(variable) + ": '" + path +
                            "' is not an absolute path; list absolute paths separated by ':'");
    }
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return Error::invalid(std::string(variable) + ": '" + path +
                            "' does not exist; create it (e.g. mount a volume there) or remove it from the list");
    }
    paths.push_back(std::move(path));
  }
  return paths;
}

Result<bool> parse_network(const std::string& value) {
  if (value.empty() || value == "deny") return false;
  if (value == "allow") return true;
  if (auto b = parse_bool_word(value)) return *b;  // true/false spellings mean allow/deny
  return Error::invalid("MCP_SANDBOX_NETWORK: expected 'allow' or 'deny', got '" + value + "'");
}

}  // namespace

namespace python {

Result<SandboxPolicy> sandbox_policy_from_env() {
  SandboxPolicy p;
  auto readable = parse_paths("MCP_SANDBOX_READABLE_PATHS", env_or("MCP_SANDBOX_READABLE_PATHS", ""));
  if (!readable) return readable.error();
  p.readable_paths = std::move(*readable);
  auto scratch = env_int("MCP_SANDBOX_SCRATCH_MB", 1, 1024 * 1024);
  if (!scratch) return scratch.error();
  if (*scratch) p.scratch_mb = static_cast<std::size_t>(**scratch);
  auto processes = env_int("MCP_SANDBOX_MAX_PROCESSES", 2, 1 << 20);
  if (!processes) return processes.error();
  if (*processes) p.max_processes = static_cast<std::size_t>(**processes);
  std::string require = env_or("MCP_SANDBOX_REQUIRE", "");
  if (require == "strict") {
    p.strict = true;
  } else if (!require.empty() && require != "best-effort") {
    return Error::invalid(
        "MCP_SANDBOX_REQUIRE: expected 'best-effort' (the default: start, and report what is "
        "missing) or 'strict' (refuse to start without full containment), got '" +
        require + "'");
  }
  return p;
}

}  // namespace python

Result<PythonRuntimeOptions> python_runtime_options_from_env(std::optional<std::string> source,
                                                             std::string source_name) {
  PythonRuntimeOptions o;
  if (source) {
    o.source = std::move(*source);
  } else if (auto s = env_string("MCP_TOOLS_STRING"); s && !s->empty()) {
    o.source = std::move(*s);
  } else {
    return Error::invalid("no tool source: set MCP_TOOLS_STRING to the Python source (or pass --params-file)");
  }
  o.source_name = std::move(source_name);

  auto timeout = env_int("MCP_TOOL_TIMEOUT_SECONDS", 1, 24 * 3600);
  if (!timeout) return timeout.error();
  if (*timeout) o.call_timeout = std::chrono::seconds(**timeout);
  auto memory = env_int("MCP_TOOL_MEMORY_MB", 64, 1024 * 1024);
  if (!memory) return memory.error();
  if (*memory) o.memory_limit_mb = static_cast<std::size_t>(**memory);
  auto workers = env_int("MCP_PYTHON_WORKERS", 1, 256);
  if (!workers) return workers.error();
  if (*workers) o.workers = static_cast<unsigned>(**workers);

  auto network = parse_network(env_or("MCP_SANDBOX_NETWORK", ""));
  if (!network) return network.error();
  o.allow_network = *network;
  auto writable = parse_paths("MCP_SANDBOX_WRITABLE_PATHS", env_or("MCP_SANDBOX_WRITABLE_PATHS", ""));
  if (!writable) return writable.error();
  o.writable_paths = std::move(*writable);
  auto policy = python::sandbox_policy_from_env();
  if (!policy) return policy.error();
  o.sandbox = std::move(*policy);
  if (auto queue = python_queue_options_from_env(o); !queue) return queue.error();
  o.worker_path = env_or("KAOS_PYTHON_WORKER", "");
  return o;
}

std::string resolve_python_worker_path(const PythonRuntimeOptions& options) {
  if (!options.worker_path.empty()) return options.worker_path;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "kaos-python-worker";  // start() then reports it as not executable
  return (self.parent_path() / "kaos-python-worker").string();
}

}  // namespace kaos::mcp
