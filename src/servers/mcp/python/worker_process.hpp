#pragma once
// One kaos-python-worker process as the server sees it: started with its own scratch
// directory, handed the source, then asked to run calls one at a time over the line protocol
// (worker/README.md). Internal to the python-string runtime.
//
// Contract: used from one executor (the runtime's strand). A call that times out, is
// cancelled, or loses the worker leaves `healthy()` false; the owner then drops the object,
// which kills the process group, reaps it and removes the scratch directory.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/process.hpp"
#include "net/task.hpp"
#include "servers/mcp/python/sandbox_policy.hpp"
#include "servers/mcp/tool.hpp"

namespace kaos::mcp::python::detail {

struct WorkerConfig {
  std::string worker_path;
  std::string source;
  std::string source_name;
  std::size_t memory_limit_mb = 512;
  bool allow_network = false;
  std::vector<std::string> writable_paths;
  SandboxPolicy sandbox;
  std::chrono::milliseconds startup_timeout{60000};  ///< start + load (imports may be slow)
};

class WorkerProcess {
 public:
  /// Starts a worker and loads the source. Errors: "invalid" with the source's own message
  /// (syntax error with its line, exception at import, no functions); "unavailable" when
  /// MCP_SANDBOX_REQUIRE=strict and the sandbox is incomplete (the message names what is
  /// missing); "io" when the worker cannot start or dies while starting (the message has its
  /// exit status); "timeout".
  static net::Task<Result<std::unique_ptr<WorkerProcess>>> start(net::Executor executor, WorkerConfig config);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  /// The tools/list entries the worker generated ({name, description, inputSchema}).
  const json::array& tools() const { return tools_; }
  /// What the sandbox enforced (the worker's "ready" message), e.g. for logs.
  const json::object& sandbox_report() const { return sandbox_; }
  pid_t pid() const { return process_->pid(); }

  /// Runs one call; never throws for a tool failure: timeouts, crashes and Python
  /// exceptions all come back as isError results naming the tool.
  net::Task<ToolResult> call(const std::string& name, const json::object& arguments, std::chrono::milliseconds timeout);
  bool healthy() const { return healthy_; }

 private:
  WorkerProcess(std::shared_ptr<net::Process> process, std::string scratch_dir);
  /// Reads the next protocol message; kills the worker when `timeout` passes first.
  struct Reply {
    Result<json::object> message;
    bool timed_out = false;
  };
  net::Task<Reply> read_message(std::chrono::milliseconds timeout);
  net::Task<Error> startup_error(const Reply& reply, std::string stage, std::chrono::milliseconds timeout);
  /// "exited with code 3", "killed by signal 11 (SIGSEGV)": why the worker is gone.
  net::Task<std::string> exit_description();

  std::shared_ptr<net::Process> process_;
  pid_t pid_ = 0;  ///< names the worker's cgroup (kaos-python-<pid>), removed after it
  std::string scratch_dir_;
  json::array tools_;
  json::object sandbox_;
  std::uint64_t next_id_ = 1;
  bool healthy_ = true;
};

/// "30 s", "1.5 s": durations in messages.
std::string describe_seconds(std::chrono::milliseconds d);

}  // namespace kaos::mcp::python::detail
