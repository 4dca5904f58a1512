// Stage 1 of the sandbox (sandbox.hpp): three processes, one process group.
//
//   supervisor (the process the server spawned; host PID namespace, outside the cgroup)
//     └─ init (PID 1 of new user/mount/PID/IPC/UTS[/net] namespaces; in the cgroup)
//          └─ python (PID 2; runs CPython and the tool code)
//
// The supervisor writes the uid/gid maps (only a process outside the new user namespace may
// map its root to an unprivileged host uid), moves init into the cgroup, and then only waits:
// when init ends it removes the cgroup and exits the way the Python process did (same code,
// same signal), so the server sees what it always saw. Init builds the minimal root, forks
// Python and reaps orphans; when Python ends, init ends, and the kernel kills whatever is
// left in the namespace -- a tool's setsid() escape included. PR_SET_PDEATHSIG links each to
// its parent, so a SIGKILL anywhere takes the whole tree down.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdio>

#include "../worker_cgroups.hpp"
#include "sandbox_parts.hpp"

namespace kaos::mcp::python_worker {
namespace {

using detail::errno_text;

Containment failed(std::string error) {
  Containment c;
  c.error = std::move(error);
  return c;
}

std::string write_proc(pid_t pid, const char* file, const std::string& text) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + file;
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return path + ": " + errno_text(errno);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  close(fd);
  return ok ? std::string() : path + ": " + errno_text(err);
}

// Inner root -> the host uid tool code runs as: 65534 when we are root, else ourselves.
std::string map_ids(pid_t child, SandboxReport& report) {
  uid_t uid = geteuid() == 0 ? detail::kSandboxId : geteuid();
  gid_t gid = getegid() == 0 ? detail::kSandboxId : getegid();
  // Unprivileged, the kernel requires setgroups to be denied first; as root we keep it
  // allowed so that init can clear the supplementary groups it inherited from us.
  if (geteuid() != 0) write_proc(child, "setgroups", "deny");
  if (auto err = write_proc(child, "uid_map", "0 " + std::to_string(uid) + " 1\n"); !err.empty()) return err;
  if (auto err = write_proc(child, "gid_map", "0 " + std::to_string(gid) + " 1\n"); !err.empty()) return err;
  report.uid = uid;
  return {};
}

[[noreturn]] void exit_like(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(sig);
    _exit(128 + sig);
  }
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 2);
}

// The supervisor's whole remaining life.
[[noreturn]] void supervise(pid_t init, int status_fd, const WorkerCgroup& cgroup) {
  int init_status = 0;
  while (waitpid(init, &init_status, 0) < 0 && errno == EINTR) {
  }
  int python_status = 0;
  ssize_t n = read(status_fd, &python_status, sizeof python_status);
  remove_worker_cgroup(cgroup);  // the namespace is empty once its init is reaped
  exit_like(n == sizeof python_status ? python_status : init_status);
}

// Init's whole remaining life: reap everything, report Python's status, end the namespace.
[[noreturn]] void run_init(pid_t python, int status_fd) {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid == python) {
      if (write(status_fd, &status, sizeof status) != sizeof status) _exit(2);
      _exit(0);
    }
    if (pid < 0 && errno != EINTR) _exit(2);
  }
}

// In init, after the supervisor's go-ahead. Returns only in the Python process.
Containment become_init(const SandboxOptions& o, SandboxReport& report, int status_fd,
                        const std::vector<int>& python_fds) {
  // Until now we still carry the host credentials (root's kuid 0, which owns /etc/shadow):
  // become the namespace's root, i.e. the mapped unprivileged host uid.
  if (setgroups(0, nullptr) != 0 && errno != EPERM) _exit(2);
  if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) {
    std::fprintf(stderr, "kaos-python-worker: cannot become root of the user namespace: %s\n",
                 errno_text(errno).c_str());
    _exit(2);
  }
  sethostname("kaos-python", 11);
  if (auto err = detail::enter_minimal_root(o, report); !err.empty()) {
    std::fprintf(stderr, "kaos-python-worker: minimal root: %s\n", err.c_str());
    _exit(2);
  }
  report.namespaces = {"user", "mount", "pid", "ipc", "uts"};
  if (!o.allow_network) report.namespaces.emplace_back("net");
  report.per_call_cleanup = "pid_namespace";
  prctl(PR_SET_DUMPABLE, 0);  // tool code (same uid) may not read our /proc/1/environ or ptrace us
  pid_t python = fork();
  if (python < 0) _exit(2);
  if (python == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != 1) _exit(2);
    close(status_fd);
    prctl(PR_SET_DUMPABLE, 1);
    Containment c;
    c.ok = true;
    c.pid_namespace = true;
    return c;
  }
  for (int fd : python_fds) close(fd);
  run_init(python, status_fd);
}

// Without namespaces this process runs Python itself; the cgroup (if any) holds it directly.
Containment degraded(const SandboxOptions& o, SandboxReport& report, const WorkerCgroup& cgroup, int clone_errno) {
  report.lack("namespaces", "cannot create user, mount and PID namespaces (" + errno_text(clone_errno) +
                                "): no minimal root (Landlock read rules are all that limit reads), the host's "
                                "PID space is visible, scratch has no quota");
  report.lack("minimal_root", "no minimal root: tool code sees the host's filesystem through Landlock only");
  report.lack("scratch_quota", "scratch is a plain directory without a quota (MCP_SANDBOX_SCRATCH_MB unused)");
  report.uid = geteuid();  // drop_privileges changes it when we are root
  Containment c;
  c.ok = true;
  if (!cgroup.version.empty()) {
    if (auto err = join_worker_cgroup(cgroup, getpid()); !err.empty()) {
      c.ok = false;
      c.error = "cannot join the worker cgroup: " + err;
      return c;
    }
    c.cgroup_procs = cgroup.procs_file();
    report.per_call_cleanup = "cgroup";
  } else {
    report.lack("per_call_cleanup", "neither a PID namespace nor a cgroup: processes a call starts may outlive it");
  }
  if (geteuid() == 0 && chown(o.scratch_dir.c_str(), detail::kSandboxId, detail::kSandboxId) != 0) {
    c.ok = false;
    c.error = "cannot hand the scratch directory to uid 65534: " + errno_text(errno);
  }
  return c;
}

}  // namespace

Containment contain(const SandboxOptions& o, SandboxReport& report, const std::vector<int>& python_fds) {
  report.uid = geteuid() == 0 ? detail::kSandboxId : geteuid();  // what map_ids will map to
  WorkerCgroup cgroup;
  std::string why_not = "disabled by KAOS_PYTHON_SANDBOX_TEST_DISABLE";
  if (!detail::pretend_missing(o, "cgroup"))
    cgroup = create_worker_cgroup(getpid(), o.memory_limit_mb, o.max_processes, why_not);
  report.cgroup = cgroup.version;
  if (cgroup.version.empty()) {
    report.lack("cgroup",
                why_not + ": process count and memory are limited per process only (RLIMIT_NPROC, RLIMIT_AS)");
  }
  int go[2], status[2];
  if (pipe2(go, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0) return failed("pipe: " + errno_text(errno));
  unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (!o.allow_network) flags |= CLONE_NEWNET;
  long init =
      detail::pretend_missing(o, "userns") ? (errno = EPERM, -1) : syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (init < 0) {
    int err = errno;
    for (int fd : {go[0], go[1], status[0], status[1]}) close(fd);
    return degraded(o, report, cgroup, err);
  }
  if (init == 0) {  // init, not yet root of anything until the maps are written
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(go[1]);
    close(status[0]);
    char byte = 0;
    if (read(go[0], &byte, 1) != 1) _exit(2);  // the supervisor failed or died
    close(go[0]);
    return become_init(o, report, status[1], python_fds);
  }
  close(go[0]);
  close(status[1]);
  std::string err = map_ids(static_cast<pid_t>(init), report);
  if (err.empty() && !cgroup.version.empty()) err = join_worker_cgroup(cgroup, static_cast<pid_t>(init));
  if (!err.empty()) {
    kill(static_cast<pid_t>(init), SIGKILL);
    waitpid(static_cast<pid_t>(init), nullptr, 0);
    remove_worker_cgroup(cgroup);
    return failed("cannot set up the namespaces: " + err);
  }
  for (int fd : python_fds) close(fd);  // only Python holds the protocol channel
  if (write(go[1], "g", 1) != 1) _exit(2);
  close(go[1]);
  supervise(static_cast<pid_t>(init), status[0], cgroup);
}

}  // namespace kaos::mcp::python_worker
