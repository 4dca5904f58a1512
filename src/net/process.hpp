#pragma once
// Child processes with pipes, driven asynchronously: the stdio MCP bridge, the python-string
// tool workers and (later) the local supervisor all start programs, talk to them over
// stdin/stdout, and must notice when they die. POSIX only.
//
// Contract: a Process is used from one executor (a strand or a single-threaded io_context).
// Destroying a Process that still runs kills its whole process group (SIGKILL) and reaps it,
// so no child outlives its owner by accident. Operations still pending then complete: reads
// and writes with an error "cancelled", wait() with the status.
#include <sys/types.h>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "net/task.hpp"

namespace kaos::net {

struct ProcessOptions {
  std::vector<std::string> argv;  ///< argv[0] is looked up in PATH when it has no '/'
  /// Environment of the child. When `inherit_env` is true these entries are added to (and
  /// override) the parent's environment; otherwise they are the whole environment.
  std::map<std::string, std::string> env;
  bool inherit_env = true;
  std::string working_dir;  ///< empty: the parent's
  bool pipe_stdin = true;   ///< false: /dev/null
  bool pipe_stdout = true;  ///< false: inherit the parent's
  /// stderr: "pipe", "inherit", "null", or a file path (opened for append).
  std::string stderr_mode = "inherit";
  /// Runs the child in a new process group (so signals reach its descendants too).
  bool new_process_group = true;
  /// The child gets SIGKILL when the parent thread that spawned it dies (PR_SET_PDEATHSIG).
  bool die_with_parent = true;
};

struct ExitStatus {
  int code = -1;                 ///< exit code, or -1 when killed by a signal
  int signal = 0;                ///< terminating signal, 0 when it exited
  std::string describe() const;  ///< "exited with code 3", "killed by signal 9 (SIGKILL)"
};

/// The file spawn() would execute for options.argv[0]: a name without '/' is looked up in the
/// child's PATH (options.env, else the parent's). Error "io" naming the program when there is
/// no such executable file; "invalid" for an empty argv. For start-up checks with a clear message.
Result<std::string> find_program(const ProcessOptions& options);

class Process {
 public:
  /// Starts the program. Errors ("io") name the program and the reason (not found, not
  /// executable, ...); an exec failure is detected and reported, not left as a zombie.
  static Result<std::unique_ptr<Process>> spawn(Executor executor, ProcessOptions options);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const;

  /// Writes all of `data` to the child's stdin. Error "io" once the pipe is broken.
  Task<Result<void>> write(std::string_view data);
  /// Closes the child's stdin (EOF for the child).
  void close_stdin();

  /// Reads one line from stdout (without the trailing '\n'; a '\r' before it is removed too).
  /// nullopt at EOF. A line longer than `max_line` is an error "too_large" (the stream stays
  /// usable: the rest of that line is discarded).
  Task<Result<std::optional<std::string>>> read_line(std::size_t max_line = 16 * 1024 * 1024);
  /// Same for stderr (when stderr_mode is "pipe").
  Task<Result<std::optional<std::string>>> read_stderr_line(std::size_t max_line = 64 * 1024);

  /// Waits until the child exits (does not kill it).
  Task<ExitStatus> wait();
  /// Non-blocking check: the status when it has exited.
  std::optional<ExitStatus> try_wait();
  bool running();

  /// Sends `signal` to the child (to its process group when it has one).
  void kill(int signal);
  /// SIGTERM, then SIGKILL after `grace` if it has not exited; waits for the exit.
  Task<ExitStatus> terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

 private:
  struct Impl;
  explicit Process(std::shared_ptr<Impl> impl);
  // Shared with the coroutines of pending operations, so an operation that completes (with
  // an error) after the Process was destroyed still finds its state.
  std::shared_ptr<Impl> impl_;
};

}  // namespace kaos::net
