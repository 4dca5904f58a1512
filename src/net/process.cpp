// net::Process, the asynchronous half: pipes as Asio stream descriptors, exit detection by
// waiting for the pidfd to become readable (no SIGCHLD handler, so nothing else in the
// process can steal or need our exit statuses).
#include "net/process.hpp"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "net/detail/process_spawn.hpp"

namespace kaos::net {
namespace {

using Descriptor = asio::posix::stream_descriptor;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

ExitStatus decode(int ws) {
  ExitStatus s;
  if (WIFEXITED(ws)) {
    s.code = WEXITSTATUS(ws);
  } else if (WIFSIGNALED(ws)) {
    s.signal = WTERMSIG(ws);
  }
  return s;
}

// Buffered line reading over one pipe. After a line exceeded the limit, `discarding` drops
// bytes up to the next newline so the following read starts on a fresh line.
struct LineReader {
  std::optional<Descriptor> fd;
  std::string buf;
  std::size_t scanned = 0;  // bytes of buf known to hold no '\n'
  bool discarding = false;
  bool eof = false;

  Task<Result<std::optional<std::string>>> read_line(std::size_t max_line, const std::string& what) {
    if (!fd) co_return Error::invalid(what + " is not a pipe; spawn the process with it piped to read it");
    for (;;) {
      auto nl = buf.find('\n', scanned);
      if (nl != std::string::npos) {
        if (discarding) {
          buf.erase(0, nl + 1);
          scanned = 0;
          discarding = false;
          continue;
        }
        std::size_t len = nl;
        if (len > 0 && buf[len - 1] == '\r') --len;
        if (len > max_line) {
          buf.erase(0, nl + 1);
          scanned = 0;
          co_return Error{ErrorKind::too_large, what + " line of " + std::to_string(len) +
                                                    " bytes exceeds the limit of " + std::to_string(max_line) +
                                                    " bytes; it was discarded"};
        }
        std::string line = buf.substr(0, len);
        buf.erase(0, nl + 1);
        scanned = 0;
        co_return std::optional<std::string>(std::move(line));
      }
      scanned = buf.size();
      if (discarding) {
        buf.clear();
        scanned = 0;
      } else if (buf.size() > max_line + 1) {  // +1: a '\r' that may precede the newline
        buf.clear();
        scanned = 0;
        discarding = true;
        co_return Error{ErrorKind::too_large, what + " line exceeds the limit of " + std::to_string(max_line) +
                                                  " bytes; the rest of it is discarded"};
      }
      if (eof) {
        if (buf.empty() || discarding) co_return std::optional<std::string>();
        std::string last = std::move(buf);  // a final line without '\n'
        buf.clear();
        scanned = 0;
        if (!last.empty() && last.back() == '\r') last.pop_back();
        co_return std::optional<std::string>(std::move(last));
      }
      // Read straight into the tail of buf (no bounce buffer in the coroutine frame).
      constexpr std::size_t kChunk = 64 * 1024;
      std::size_t old_size = buf.size();
      buf.resize(old_size + kChunk);
      auto [ec, n] = co_await fd->async_read_some(asio::buffer(buf.data() + old_size, kChunk), kUseTuple);
      buf.resize(old_size + n);
      if (ec == asio::error::eof) {
        eof = true;
      } else if (ec == asio::error::operation_aborted) {
        co_return Error{ErrorKind::cancelled, "reading " + what + " was cancelled"};
      } else if (ec) {
        co_return Error::io("reading " + what + " failed: " + ec.message());
      }
    }
  }
};

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) {
    const char* abbrev = ::sigabbrev_np(signal);
    return "killed by signal " + std::to_string(signal) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
  }
  if (code < 0) return "exited (status unknown)";
  return "exited with code " + std::to_string(code);
}

struct Process::Impl {
  Executor executor;
  pid_t pid = -1;
  bool group = false;
  std::string program;
  Descriptor pidfd;
  std::optional<Descriptor> in;
  LineReader out;
  LineReader err;
  std::optional<ExitStatus> status;

  Impl(Executor ex, detail::SpawnedChild& c, bool new_group)
      : executor(ex), pid(c.pid), group(new_group), program(c.program), pidfd(ex, c.pidfd.release()) {
    if (c.stdin_w) in.emplace(ex, c.stdin_w.release());
    if (c.stdout_r) out.fd.emplace(ex, c.stdout_r.release());
    if (c.stderr_r) err.fd.emplace(ex, c.stderr_r.release());
  }

  std::string name() const { return "'" + program + "' (pid " + std::to_string(pid) + ")"; }

  // Reaps without blocking; true once the status is known.
  bool reap() {
    if (status) return true;
    int ws = 0;
    pid_t r;
    do {
      r = ::waitpid(pid, &ws, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid) {
      status = decode(ws);
    } else if (r < 0) {
      status = ExitStatus{};  // ECHILD: someone else reaped it; the status is lost
    }
    return status.has_value();
  }

  void signal(int sig) {
    if (status) return;  // reaped: the pid (and group id) may belong to someone else now
    ::kill(group ? -pid : pid, sig);
  }

  void close_all() {
    boost::system::error_code ignored;
    pidfd.close(ignored);
    if (in) in->close(ignored);
    if (out.fd) out.fd->close(ignored);
    if (err.fd) err.fd->close(ignored);
  }
};

Process::Process(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Process::~Process() {
  if (!impl_) return;
  if (!impl_->status) {
    // Kill the group while the unreaped leader still pins the pid, then reap (blocking: after
    // SIGKILL that is immediate).
    ::kill(impl_->group ? -impl_->pid : impl_->pid, SIGKILL);
    int ws = 0;
    pid_t r;
    while ((r = ::waitpid(impl_->pid, &ws, 0)) < 0 && errno == EINTR) {
    }
    impl_->status = r == impl_->pid ? decode(ws) : ExitStatus{};
  }
  impl_->close_all();  // pending operations complete with operation_aborted
}

Result<std::unique_ptr<Process>> Process::spawn(Executor executor, ProcessOptions options) {
  auto child = detail::spawn_child(options);
  if (!child) return child.error();
  auto impl = std::make_shared<Impl>(executor, *child, options.new_process_group);
  return std::unique_ptr<Process>(new Process(std::move(impl)));
}

pid_t Process::pid() const {
  return impl_->pid;
}

Task<Result<void>> Process::write(std::string_view data) {
  auto impl = impl_;  // outlives this Process if it is destroyed meanwhile
  if (!impl->in) co_return Error::io("stdin of " + impl->name() + " is closed or not a pipe");
  auto [ec, n] = co_await asio::async_write(*impl->in, asio::buffer(data), kUseTuple);
  if (ec == asio::error::operation_aborted)
    co_return Error{ErrorKind::cancelled, "writing to " + impl->name() + " was cancelled"};
  if (ec) {
    std::string why = ec == asio::error::broken_pipe ? "the process closed its input or exited" : ec.message();
    co_return Error::io("writing to the stdin of " + impl->name() + " failed: " + why);
  }
  co_return Result<void>();
}

void Process::close_stdin() {
  if (!impl_->in) return;
  boost::system::error_code ignored;
  impl_->in->close(ignored);
  impl_->in.reset();
}

Task<Result<std::optional<std::string>>> Process::read_line(std::size_t max_line) {
  auto impl = impl_;
  co_return co_await impl->out.read_line(max_line, "stdout of " + impl->name());
}

Task<Result<std::optional<std::string>>> Process::read_stderr_line(std::size_t max_line) {
  auto impl = impl_;
  co_return co_await impl->err.read_line(max_line, "stderr of " + impl->name());
}

Task<ExitStatus> Process::wait() {
  auto impl = impl_;
  while (!impl->reap()) {
    auto [ec] = co_await impl->pidfd.async_wait(Descriptor::wait_read, kUseTuple);
    if (ec == asio::error::operation_aborted && !impl->status) {
      throw boost::system::system_error(ec, "waiting for " + impl->name() + " to exit");
    }
  }
  co_return *impl->status;
}

std::optional<ExitStatus> Process::try_wait() {
  impl_->reap();
  return impl_->status;
}

bool Process::running() {
  return !impl_->reap();
}

void Process::kill(int signal) {
  impl_->signal(signal);
}

Task<ExitStatus> Process::terminate(std::chrono::milliseconds grace) {
  auto impl = impl_;
  if (impl->reap()) co_return *impl->status;
  impl->signal(SIGTERM);
  asio::steady_timer escalate(impl->executor, grace);
  escalate.async_wait([weak = std::weak_ptr<Impl>(impl)](boost::system::error_code ec) {
    if (auto alive = weak.lock(); alive && !ec) alive->signal(SIGKILL);
  });
  auto status = co_await wait();
  escalate.cancel();
  co_return status;
}

}  // namespace kaos::net
