// fork + execve for net::Process. Everything that allocates (PATH lookup, argv/envp arrays,
// opening files) happens in the parent before fork(); the child runs only async-signal-safe
// calls, because the parent is multi-threaded and another thread may hold the malloc lock.
// The child keeps descriptors 0-2 only: everything else is closed before execve, whether or
// not it was close-on-exec (descriptors.hpp).
#include "net/detail/process_spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <system_error>
#include <vector>

#include "net/descriptors.hpp"

extern char** environ;

namespace kaos::net {
namespace detail {
namespace {

std::string errno_text(int err) {
  return std::system_category().message(err);
}

Error start_error(const std::string& program, const std::string& why) {
  return Error::io("cannot start '" + program + "': " + why);
}

// The parent's copy of the child's fds must not sit on 0, 1 or 2 (possible when the parent
// closed its own stdio): dup2 onto those slots in the child would then clobber each other.
Result<void> move_above_stdio(UniqueFd& fd) {
  if (!fd || fd.get() > 2) return {};
  int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) return Error::io("fcntl(F_DUPFD_CLOEXEC) failed: " + errno_text(errno));
  fd = UniqueFd(moved);
  return {};
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Result<Pipe> make_pipe(const char* what) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error::io(std::string("pipe for ") + what + " failed: " + errno_text(errno));
  Pipe p{UniqueFd(fds[0]), UniqueFd(fds[1])};
  if (auto r = move_above_stdio(p.read); !r) return r.error();
  if (auto r = move_above_stdio(p.write); !r) return r.error();
  return p;
}

Result<UniqueFd> open_fd(const std::string& path, int flags, const char* role) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) return Error::io(std::string("cannot open ") + role + " '" + path + "': " + errno_text(errno));
  UniqueFd out(fd);
  if (auto r = move_above_stdio(out); !r) return r.error();
  return out;
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// execvp's lookup, done in the parent (execvp may allocate) with the child's PATH.
Result<std::string> resolve_program(const ProcessOptions& options) {
  const std::string& name = options.argv.front();
  if (name.find('/') != std::string::npos) return name;
  std::string path;
  if (auto it = options.env.find("PATH"); it != options.env.end()) {
    path = it->second;
  } else if (const char* p = options.inherit_env ? ::getenv("PATH") : nullptr) {
    path = p;
  } else {
    path = "/usr/local/bin:/usr/bin:/bin";
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t end = path.find(':', start);
    std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  auto e = start_error(
      name, "no executable named '" + name + "' in PATH (" + path + "); install it or give its absolute path");
  e.kind = ErrorKind::not_found;  // callers word their own hint for a missing program
  return e;
}

Result<std::vector<std::string>> build_env(const ProcessOptions& options) {
  std::vector<std::string> env;
  for (const auto& [key, value] : options.env) {
    if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos ||
        value.find('\0') != std::string::npos) {
      return Error::invalid("environment variable '" + key +
                            "' has an invalid name or value (names must be "
                            "non-empty without '=', neither may contain NUL)");
    }
    std::string entry;
    entry.reserve(key.size() + 1 + value.size());
    entry.append(key).append(1, '=').append(value);
    env.push_back(std::move(entry));
  }
  if (options.inherit_env) {
    for (char** e = environ; e && *e; ++e) {
      std::string_view entry(*e);
      auto eq = entry.find('=');
      if (eq == std::string_view::npos) continue;
      if (options.env.count(std::string(entry.substr(0, eq))) == 0) env.emplace_back(entry);
    }
  }
  return env;
}

std::vector<char*> c_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Writes to a pipe whose reader exited raise SIGPIPE, which kills the process by default.
// Pipe writes report EPIPE instead once it is ignored; done once, before the first child.
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
  });
}

// What the child reports through the status pipe when it cannot exec.
struct ChildFailure {
  int stage;  // 1 chdir, 2 execve, 3 stdio setup
  int err;
};

[[noreturn]] void child_fail(int status_fd, int stage) {
  ChildFailure f{stage, errno};
  [[maybe_unused]] auto n = ::write(status_fd, &f, sizeof f);
  ::_exit(127);
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}
UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}
int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

}  // namespace detail

Result<std::string> find_program(const ProcessOptions& options) {
  if (options.argv.empty() || options.argv.front().empty())
    return Error::invalid("process argv is empty; give the program to run");
  const std::string& name = options.argv.front();
  auto path = detail::resolve_program(options);
  if (!path) return path.error();
  if (name.find('/') != std::string::npos) {
    struct stat st {};
    if (::stat(name.c_str(), &st) != 0) return detail::start_error(name, detail::errno_text(errno));
    if (!S_ISREG(st.st_mode) || ::access(name.c_str(), X_OK) != 0) {
      return detail::start_error(name, "not an executable file (check its path and permissions)");
    }
  }
  return path;
}

namespace detail {

Result<SpawnedChild> spawn_child(const ProcessOptions& options) {
  if (options.argv.empty() || options.argv.front().empty())
    return Error::invalid("process argv is empty; give the program to run");
  for (const auto& a : options.argv) {
    if (a.find('\0') != std::string::npos)
      return Error::invalid("argument of '" + options.argv.front() + "' contains a NUL byte");
  }
  const std::string& program = options.argv.front();
  auto path = resolve_program(options);
  if (!path) return path.error();
  auto env_strings = build_env(options);
  if (!env_strings) return env_strings.error();
  std::vector<std::string> argv_strings = options.argv;
  std::vector<char*> argv = c_array(argv_strings);
  std::vector<char*> envp = c_array(*env_strings);
  ignore_sigpipe_once();

  SpawnedChild child;
  child.program = program;
  UniqueFd child_in, child_out, child_err;  // the child's ends, closed in the parent after fork
  if (options.pipe_stdin) {
    auto p = make_pipe("stdin");
    if (!p) return start_error(program, p.error().message);
    child_in = std::move(p->read);
    child.stdin_w = std::move(p->write);
  } else {
    auto null = open_fd("/dev/null", O_RDONLY, "stdin");
    if (!null) return start_error(program, null.error().message);
    child_in = std::move(*null);
  }
  if (options.pipe_stdout) {
    auto p = make_pipe("stdout");
    if (!p) return start_error(program, p.error().message);
    child.stdout_r = std::move(p->read);
    child_out = std::move(p->write);
  }
  const std::string& mode = options.stderr_mode;
  if (mode == "pipe") {
    auto p = make_pipe("stderr");
    if (!p) return start_error(program, p.error().message);
    child.stderr_r = std::move(p->read);
    child_err = std::move(p->write);
  } else if (mode == "null") {
    auto null = open_fd("/dev/null", O_WRONLY, "stderr");
    if (!null) return start_error(program, null.error().message);
    child_err = std::move(*null);
  } else if (mode.empty()) {
    return Error::invalid("stderr_mode is empty; use \"pipe\", \"inherit\", \"null\" or a file path");
  } else if (mode != "inherit") {
    auto file = open_fd(mode, O_WRONLY | O_APPEND | O_CREAT, "stderr file");
    if (!file) return start_error(program, file.error().message);
    child_err = std::move(*file);
  }
  auto status = make_pipe("exec status");
  if (!status) return start_error(program, status.error().message);

  const pid_t parent = ::getpid();
  const char* workdir = options.working_dir.empty() ? nullptr : options.working_dir.c_str();
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);

  pid_t pid = ::fork();
  if (pid < 0) return start_error(program, "fork failed: " + errno_text(errno));
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    int sfd = status->write.get();
    if (options.die_with_parent) {
      if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_fail(sfd, 3);
      if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    }
    if (options.new_process_group) ::setpgid(0, 0);
    // Ignored signals and the signal mask survive execve; the program expects defaults.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
    // dup2 onto 0/1/2 clears close-on-exec there; every source fd is > 2 (move_above_stdio).
    if (::dup2(child_in.get(), 0) < 0) child_fail(sfd, 3);
    if (child_out && ::dup2(child_out.get(), 1) < 0) child_fail(sfd, 3);
    if (child_err && ::dup2(child_err.get(), 2) < 0) child_fail(sfd, 3);
    // Nothing else crosses execve: not our sockets, log files or pipes to other children, even
    // one a library opened without O_CLOEXEC. The status pipe stays until execve closes it.
    close_descriptors_from(3, sfd);
    if (workdir && ::chdir(workdir) != 0) child_fail(sfd, 1);
    ::execve(path->c_str(), argv.data(), envp.data());
    child_fail(sfd, 2);
  }

  child.pid = pid;
  if (options.new_process_group) ::setpgid(pid, pid);  // also in the parent: no race on kill(-pid)
  status->write = UniqueFd();
  child_in = UniqueFd();
  child_out = UniqueFd();
  child_err = UniqueFd();

  // The status pipe closes on a successful execve (close-on-exec) with nothing written.
  ChildFailure failure{};
  std::size_t got = 0;
  while (got < sizeof failure) {
    ssize_t n = ::read(status->read.get(), reinterpret_cast<char*>(&failure) + got, sizeof failure - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got == sizeof failure) {
    int ws = 0;
    while (::waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    switch (failure.stage) {
      case 1:
        return start_error(program, "working directory '" + options.working_dir + "': " + errno_text(failure.err));
      case 2:
        return start_error(
            program, *path + ": " + errno_text(failure.err) + (failure.err == EACCES ? " (is it executable?)" : ""));
      default:
        return start_error(program, "setting up the child's stdio failed: " + errno_text(failure.err));
    }
  }

  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int err = errno;
    ::kill(options.new_process_group ? -pid : pid, SIGKILL);
    int ws = 0;
    while (::waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    return start_error(program, "pidfd_open failed (Linux 5.3 or newer is required): " + errno_text(err));
  }
  child.pidfd = UniqueFd(pidfd);
  return child;
}

}  // namespace detail
}  // namespace kaos::net
