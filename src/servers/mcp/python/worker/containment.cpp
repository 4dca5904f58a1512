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
#include <poll.h>
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

// The supervisor's whole remaining life. When the server dies (the parent-death signal,
// SIGTERM here) or someone asks us to stop, init is killed -- the kernel then ends the whole
// namespace -- so that the cgroup can go too. Signals are taken synchronously: none is lost
// between a check and a wait.
[[noreturn]] void supervise(pid_t init, int status_fd, const WorkerCgroup& cgroup, pid_t server) {
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGTERM);
  sigaddset(&wanted, SIGCHLD);
  sigprocmask(SIG_BLOCK, &wanted, nullptr);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != server) kill(init, SIGKILL);
  int init_status = 0;
  for (;;) {
    pid_t done = waitpid(init, &init_status, WNOHANG);
    if (done == init || (done < 0 && errno != EINTR)) break;
    if (sigwaitinfo(&wanted, nullptr) == SIGTERM) kill(init, SIGKILL);
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

// The pipes between supervisor and init: go (supervisor -> init: maps written, start),
// setup (init -> supervisor: "K" when Python runs, else "E<reason>"), status (init ->
// supervisor: Python's wait status).
struct Pipes {
  int go[2] = {-1, -1};
  int setup[2] = {-1, -1};
  int status[2] = {-1, -1};
  bool open() { return pipe2(go, O_CLOEXEC) == 0 && pipe2(setup, O_CLOEXEC) == 0 && pipe2(status, O_CLOEXEC) == 0; }
  void close_all() {
    for (int* p : {go, setup, status}) {
      for (int i : {0, 1}) {
        if (p[i] >= 0) close(p[i]);
        p[i] = -1;
      }
    }
  }
};

[[noreturn]] void setup_failed(int setup_fd, const std::string& reason) {
  std::string message = "E" + reason;
  if (write(setup_fd, message.data(), message.size()) < 0) _exit(2);
  _exit(2);
}

// In init, after the supervisor's go-ahead. Returns only in the Python process.
Containment become_init(const SandboxOptions& o, SandboxReport& report, int go_fd, int setup_fd, int status_fd,
                        const std::vector<int>& python_fds) {
  // Until now we still carry the host credentials (root's kuid 0, which owns /etc/shadow):
  // become the namespace's root, i.e. the mapped unprivileged host uid.
  if (setgroups(0, nullptr) != 0 && errno != EPERM) setup_failed(setup_fd, "setgroups: " + errno_text(errno));
  if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) {
    setup_failed(setup_fd, "cannot become root of the user namespace: " + errno_text(errno));
  }
  // Changing credentials clears the parent-death signal: arm it again, then make sure the
  // supervisor did not die in between (it holds the go pipe's write end until we report).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  pollfd supervisor{go_fd, POLLIN, 0};
  if (poll(&supervisor, 1, 0) != 0) _exit(2);  // readable or hung up: the supervisor is gone
  close(go_fd);
  sethostname("kaos-python", 11);
  if (detail::pretend_missing(o, "minimal_root"))
    setup_failed(setup_fd, "disabled by KAOS_PYTHON_SANDBOX_TEST_DISABLE");
  if (auto err = detail::enter_minimal_root(o, report); !err.empty()) setup_failed(setup_fd, err);
  report.namespaces = {"user", "mount", "pid", "ipc", "uts"};
  if (!o.allow_network) report.namespaces.emplace_back("net");
  report.per_call_cleanup = "pid_namespace";
  prctl(PR_SET_DUMPABLE, 0);  // tool code (same uid) may not read our /proc/1/environ or ptrace us
  pid_t python = fork();
  if (python < 0) setup_failed(setup_fd, "fork: " + errno_text(errno));
  if (python == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != 1) _exit(2);
    close(setup_fd);
    close(status_fd);
    prctl(PR_SET_DUMPABLE, 1);
    Containment c;
    c.ok = true;
    c.pid_namespace = true;
    return c;
  }
  for (int fd : python_fds) close(fd);
  if (write(setup_fd, "K", 1) != 1) _exit(2);
  close(setup_fd);
  run_init(python, status_fd);
}

// Without namespaces this process runs Python itself; the cgroup (if any) holds it directly.
Containment degraded(const SandboxOptions& o, SandboxReport& report, const WorkerCgroup& cgroup,
                     const std::string& why) {
  report.lack("namespaces", why +
                                ": no minimal root (Landlock read rules are all that limit reads), the host's "
                                "PID space is visible, scratch has no quota");
  report.lack("minimal_root", "no minimal root: tool code sees the host's filesystem through Landlock only");
  report.lack("scratch_quota", "scratch is a plain directory without a quota (MCP_SANDBOX_SCRATCH_MB unused)");
  report.uid = geteuid();  // drop_privileges changes it when we are root
  Containment c;
  c.ok = true;
  if (!cgroup.version.empty()) {
    if (auto err = join_worker_cgroup(cgroup, getpid()); !err.empty())
      return failed("cannot join the worker cgroup: " + err);
    c.cgroup_procs = cgroup.procs_file();
    report.per_call_cleanup = "cgroup";
  } else {
    report.lack("per_call_cleanup", "neither a PID namespace nor a cgroup: processes a call starts may outlive it");
  }
  if (geteuid() == 0 && chown(o.scratch_dir.c_str(), detail::kSandboxId, detail::kSandboxId) != 0) {
    return failed("cannot hand the scratch directory to uid 65534: " + errno_text(errno));
  }
  return c;
}

// Everything init wrote on the setup pipe until it closed it: "K", or "E<reason>", or
// nothing (it died).
std::string read_setup(int fd) {
  std::string text;
  char buf[512];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  if (text == "K") return {};
  return text.empty() ? "the namespace's init died while setting up" : text.substr(1);
}

// The supervisor's side after clone: maps, cgroup, go-ahead, wait for init's setup. Returns
// only when the namespaces cannot be used (the caller degrades); otherwise supervises.
std::string start_init(pid_t init, Pipes& p, SandboxReport& report, const WorkerCgroup& cgroup,
                       const std::vector<int>& python_fds, pid_t server) {
  close(p.go[0]);
  close(p.setup[1]);
  close(p.status[1]);
  p.go[0] = p.setup[1] = p.status[1] = -1;
  std::string err = map_ids(init, report);
  if (err.empty() && !cgroup.version.empty()) err = join_worker_cgroup(cgroup, init);
  if (err.empty() && write(p.go[1], "g", 1) != 1) err = "cannot start init: " + errno_text(errno);
  if (err.empty()) err = read_setup(p.setup[0]);
  if (!err.empty()) {
    kill(init, SIGKILL);
    waitpid(init, nullptr, 0);
    return err;
  }
  for (int fd : python_fds) close(fd);  // only Python holds the protocol channel
  int status_fd = p.status[0];
  p.status[0] = -1;
  p.close_all();
  supervise(init, status_fd, cgroup, server);
}

}  // namespace

Containment contain(const SandboxOptions& o, SandboxReport& report, const std::vector<int>& python_fds) {
  const pid_t server = getppid();
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
  Pipes p;
  if (!p.open()) {
    p.close_all();
    return failed("pipe: " + errno_text(errno));
  }
  unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (!o.allow_network) flags |= CLONE_NEWNET;
  long init =
      detail::pretend_missing(o, "userns") ? (errno = EPERM, -1) : syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (init < 0) {
    std::string why = "cannot create user, mount and PID namespaces (" + errno_text(errno) + ")";
    p.close_all();
    return degraded(o, report, cgroup, why);
  }
  if (init == 0) {  // init, not yet root of anything until the maps are written
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(p.go[1]);
    close(p.setup[0]);
    close(p.status[0]);
    char byte = 0;
    if (read(p.go[0], &byte, 1) != 1) _exit(2);  // the supervisor failed or died
    return become_init(o, report, p.go[0], p.setup[1], p.status[1], python_fds);
  }
  std::string err = start_init(static_cast<pid_t>(init), p, report, cgroup, python_fds, server);
  p.close_all();
  return degraded(o, report, cgroup, "namespaces were created but could not be set up (" + err + ")");
}

}  // namespace kaos::mcp::python_worker
