// Stage 2 of the sandbox (sandbox.hpp) and what the pieces share: rlimits, the order in which
// the in-process layers go on, and the per-call cleanup.
#include "sandbox.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "../worker_cgroups.hpp"
#include "sandbox_parts.hpp"

namespace kaos::mcp::python_worker {
namespace detail {

std::string errno_text(int err) {
  return std::strerror(err);
}

bool pretend_missing(const SandboxOptions& o, const char* name) {
  return std::find(o.pretend_missing.begin(), o.pretend_missing.end(), name) != o.pretend_missing.end();
}

const std::vector<std::string>& runtime_paths() {
  static const std::vector<std::string> paths = {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};
  return paths;
}

const std::vector<std::string>& etc_paths() {
  static const std::vector<std::string> paths = {
      "/etc/localtime",       "/etc/hosts",       "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/host.conf",
      "/etc/gai.conf",        "/etc/protocols",   "/etc/services",    "/etc/mime.types",    "/etc/ssl",
      "/etc/ca-certificates", "/etc/ld.so.cache", "/etc/ld.so.conf",  "/etc/ld.so.conf.d"};
  return paths;
}

const std::vector<std::string>& device_paths() {
  static const std::vector<std::string> paths = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"};
  return paths;
}

}  // namespace detail
namespace {

using detail::errno_text;

std::string set_limit(int resource, const char* name, rlim_t soft, rlim_t hard) {
  rlimit lim{soft, hard};
  if (setrlimit(resource, &lim) != 0) return std::string("setrlimit(") + name + ") failed: " + errno_text(errno);
  return {};
}

// RLIMIT_CPU's hard limit is fixed here for the worker's life: tool code may move the soft
// limit up to it (worker.py lowers it per call), never beyond. RLIMIT_NPROC stands in for the
// cgroup's pids.max when there is no cgroup (counted per user namespace).
std::string apply_rlimits(const SandboxOptions& o, const SandboxReport& report) {
  constexpr rlim_t kMiB = 1024 * 1024;
  const rlim_t mem = o.memory_limit_mb * kMiB;
  const rlim_t fsize = o.max_file_mb * kMiB;
  for (const auto& err :
       {set_limit(RLIMIT_AS, "RLIMIT_AS", mem, mem), set_limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", fsize, fsize),
        set_limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", o.max_open_files, o.max_open_files),
        set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0, 0),
        set_limit(RLIMIT_CPU, "RLIMIT_CPU", o.cpu_hard_seconds, o.cpu_hard_seconds)}) {
    if (!err.empty()) return err;
  }
  if (report.cgroup.empty()) return set_limit(RLIMIT_NPROC, "RLIMIT_NPROC", o.max_processes, o.max_processes);
  return {};
}

}  // namespace

std::string apply_sandbox(const SandboxOptions& o, const Containment& c, SandboxReport& report) {
  const bool in_userns = !report.namespaces.empty();
  if (auto err = apply_rlimits(o, report); !err.empty()) return err;
  if (auto err = detail::drop_privileges(o, report, in_userns); !err.empty()) return err;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return "prctl(PR_SET_NO_NEW_PRIVS) failed: " + errno_text(errno);
  if (detail::pretend_missing(o, "landlock")) {
    report.lack("landlock", "Landlock disabled by KAOS_PYTHON_SANDBOX_TEST_DISABLE");
  } else {
    std::string cgroup_dir = c.cgroup_procs.substr(0, c.cgroup_procs.rfind('/') + 1);
    if (auto err = detail::apply_landlock(o, report, c.pid_namespace, cgroup_dir); !err.empty()) return err;
  }
  return detail::apply_seccomp(o, report);
}

void end_call(const Containment& c) {
  if (c.pid_namespace) {
    // PID 2 of our namespace: -1 is every process in it but init and us.
    kill(-1, SIGKILL);
  } else if (!c.cgroup_procs.empty()) {
    WorkerCgroup cg;
    cg.dirs.push_back(c.cgroup_procs.substr(0, c.cgroup_procs.rfind('/')));
    kill_worker_cgroup_members(cg, getpid());
  } else {
    return;
  }
  // Our own children were just killed: reap them (orphans are init's, or the host's).
  while (waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
}

}  // namespace kaos::mcp::python_worker
