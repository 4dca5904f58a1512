#pragma once
// The confinement kaos-python-worker applies to itself before it runs any user code:
// resource limits, no_new_privs, Landlock (filesystem read-only outside the writable paths;
// TCP bind/connect denied), and a seccomp filter (socket() only for AF_UNIX, no io_uring).
// Irreversible by design: once applied, nothing in this process can lift it.
#include <cstdint>
#include <string>
#include <vector>

namespace kaos::mcp::python_worker {

struct SandboxOptions {
  std::string scratch_dir;                  ///< writable (the worker's cwd and TMPDIR)
  std::vector<std::string> writable_paths;  ///< operator-allowed extra writable paths
  bool allow_network = false;
  std::uint64_t memory_limit_mb = 512;  ///< RLIMIT_AS
  std::uint64_t max_file_mb = 1024;     ///< RLIMIT_FSIZE
  std::uint64_t max_open_files = 256;   ///< RLIMIT_NOFILE
};

/// What was enforced, for the server's log ("ready" message).
struct SandboxReport {
  int landlock_abi = 0;  ///< 0: Landlock unavailable
  bool filesystem_confined = false;
  bool tcp_confined = false;          ///< Landlock network rules (ABI >= 4)
  bool signals_scoped = false;        ///< Landlock signal scoping (ABI >= 6)
  bool socket_filter = false;         ///< seccomp: socket() only for AF_UNIX
  std::vector<std::string> warnings;  ///< each names what is NOT enforced and why
};

/// Applies everything. A failure of something that must hold (no_new_privs, rlimits,
/// seccomp, a writable path that cannot be opened) is fatal: the error message is returned
/// and the worker must exit. Landlock missing from the kernel is only a warning.
struct SandboxOutcome {
  bool ok = false;
  std::string error;
  SandboxReport report;
};
SandboxOutcome apply_sandbox(const SandboxOptions& options);

}  // namespace kaos::mcp::python_worker
