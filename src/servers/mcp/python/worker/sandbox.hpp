#pragma once
// The confinement of kaos-python-worker, in two stages (README.md "Containment"):
//
//  1. contain() -- before CPython starts: a cgroup for the tool's process tree, then new user,
//     mount, PID, IPC, UTS (and network) namespaces with a minimal root. It forks: the calling
//     process stays outside as the supervisor, the namespace's PID 1 reaps, and only the
//     Python process (PID 2) returns from contain().
//  2. apply_sandbox() -- after worker.py is loaded, before any user code: rlimits, all
//     capabilities dropped, no_new_privs, Landlock (reads and writes), seccomp.
//
// Each mechanism the kernel lacks is recorded in SandboxReport::missing (and a warning); the
// worker starts anyway unless `strict` is set.
#include <sys/types.h>
#include <cstdint>
#include <string>
#include <vector>

namespace kaos::mcp::python_worker {

struct SandboxOptions {
  std::string scratch_dir;                  ///< writable (the worker's cwd and TMPDIR)
  std::vector<std::string> writable_paths;  ///< operator-allowed extra writable paths
  std::vector<std::string> readable_paths;  ///< operator-allowed extra read-only paths
  bool allow_network = false;
  bool strict = false;                    ///< refuse to serve when anything is missing
  std::uint64_t memory_limit_mb = 512;    ///< RLIMIT_AS per process; the cgroup's limit for the tree
  std::uint64_t scratch_mb = 256;         ///< size of the scratch tmpfs
  std::uint64_t max_processes = 64;       ///< pids.max of the cgroup (RLIMIT_NPROC without one)
  std::uint64_t cpu_hard_seconds = 3600;  ///< RLIMIT_CPU hard limit, fixed for the worker's life
  std::uint64_t max_file_mb = 1024;       ///< RLIMIT_FSIZE
  std::uint64_t max_open_files = 256;     ///< RLIMIT_NOFILE
  /// Test hook (KAOS_PYTHON_SANDBOX_TEST_DISABLE): mechanisms to treat as unavailable, to
  /// exercise the degraded paths: "userns", "minimal_root", "cgroup", "landlock".
  std::vector<std::string> pretend_missing;
};

/// What was enforced, for the server ("ready" message, /ready, metrics).
struct SandboxReport {
  int landlock_abi = 0;                 ///< 0: Landlock unavailable
  bool filesystem_confined = false;     ///< Landlock write rules
  bool reads_confined = false;          ///< Landlock read rules
  bool tcp_confined = false;            ///< Landlock network rules (ABI >= 4)
  bool signals_scoped = false;          ///< Landlock signal scoping (ABI >= 6)
  bool socket_filter = false;           ///< seccomp: socket() only for AF_UNIX, no connect()
  std::vector<std::string> namespaces;  ///< entered: "user", "mount", "pid", "ipc", "uts", "net"
  bool minimal_root = false;            ///< pivot_root onto a tmpfs with read-only binds
  std::string cgroup;                   ///< "v1", "v2" or "" (none)
  bool capabilities_dropped = false;
  long uid = -1;                       ///< the uid tool code runs as, outside any user namespace
  std::uint64_t scratch_quota_mb = 0;  ///< 0: no quota
  std::string per_call_cleanup;        ///< "pid_namespace", "cgroup" or "" (none)
  std::vector<std::string> missing;    ///< short names of what full containment lacks
  std::vector<std::string> warnings;   ///< each names what is NOT enforced and why

  void lack(std::string what, std::string warning) {
    missing.push_back(std::move(what));
    warnings.push_back(std::move(warning));
  }
};

/// Where contain() left this process.
struct Containment {
  bool ok = false;
  std::string error;           ///< when !ok: why (the worker exits 2)
  bool pid_namespace = false;  ///< this process is PID 2 of its own PID namespace
  /// Without a PID namespace: cgroup.procs of the tool's cgroup (per-call cleanup), or "".
  /// Landlock lets this process read it (and nothing else of /sys); it is opened afresh at
  /// every cleanup, because cgroup v1 caches the list of an open file for a second.
  std::string cgroup_procs;
};

/// Stage 1. Returns only in the process that runs Python; the supervisor and the namespace's
/// init never return (they _exit with the Python process's status).
/// `python_fds` (the protocol channel) stay open in the Python process only.
Containment contain(const SandboxOptions& options, SandboxReport& report, const std::vector<int>& python_fds);

/// Stage 2: applies everything to this process. A failure of a mandatory part (no_new_privs,
/// rlimits, seccomp, capabilities, a path that cannot be opened) returns an error message
/// and the worker must exit.
std::string apply_sandbox(const SandboxOptions& options, const Containment& containment, SandboxReport& report);

/// After every call: kills every process the call left behind and reaps them.
void end_call(const Containment& containment);

}  // namespace kaos::mcp::python_worker
