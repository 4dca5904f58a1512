#pragma once
// Cgroups for python-string workers: one per worker, named `kaos-python-<worker pid>`,
// created beneath the worker's own cgroup (so, beneath the server's) in every hierarchy that
// limits memory and processes: cgroup v2 when its memory and pids controllers are delegated
// to our cgroup, else the v1 `memory` and `pids` hierarchies.
//
// Compiled into both kaos-python-worker (creates, joins, removes) and the server (removes a
// dead worker's cgroup, sweeps the ones a killed server left). Depends on libc only.
//
// Lifetime contract: the worker's supervisor removes its cgroup when the sandboxed tree has
// exited. When the worker is SIGKILLed instead (timeout), the server's remove_worker_cgroups
// does it; when the server itself died, sweep_stale_worker_cgroups at the next start does.
#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace kaos::mcp::python_worker {

inline constexpr const char* kWorkerCgroupPrefix = "kaos-python-";

struct WorkerCgroup {
  std::string version;            ///< "v1", "v2"; empty: none could be created
  std::vector<std::string> dirs;  ///< one per hierarchy (v1: memory, pids)
  /// cgroup.procs of the first dir: the tree's members, for per-call cleanup.
  std::string procs_file() const { return dirs.empty() ? std::string() : dirs.front() + "/cgroup.procs"; }
};

/// Creates `kaos-python-<name_pid>` with memory.max / memory.limit_in_bytes = memory_mb and
/// pids.max = max_processes. On failure returns an empty version and sets `why_not`
/// (e.g. "no cgroup hierarchy with the memory and pids controllers is mounted").
WorkerCgroup create_worker_cgroup(pid_t name_pid, std::uint64_t memory_mb, std::uint64_t max_processes,
                                  std::string& why_not);
/// Moves `pid` (and so its future children) into the cgroup. Empty string, or the error.
std::string join_worker_cgroup(const WorkerCgroup& cgroup, pid_t pid);
/// Kills every member but `self`, until none is left (per-call cleanup without a PID namespace).
void kill_worker_cgroup_members(const WorkerCgroup& cgroup, pid_t self);
/// rmdir of every dir; false when one is still busy.
bool remove_worker_cgroup(const WorkerCgroup& cgroup);

/// Server side: removes the cgroup of the worker whose pid was `worker_pid`, polling up to
/// `wait` for its last processes to exit (a SIGKILLed tree exits asynchronously). True when
/// nothing is left.
bool remove_worker_cgroups(pid_t worker_pid, std::chrono::milliseconds wait);
/// Server side, at start-up: removes every `kaos-python-<pid>` cgroup beneath ours whose
/// worker is gone (no such pid, or a zombie) and which has no processes left (rmdir refuses
/// otherwise). Returns how many it removed.
int sweep_stale_worker_cgroups();

}  // namespace kaos::mcp::python_worker
