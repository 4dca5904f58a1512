// The real Host: net::Process children, loopback probes, steady timers (see host.hpp).
#include "control/local/host.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "net/background.hpp"
#include "net/client.hpp"
#include "net/descriptors.hpp"

extern char** environ;

namespace kaos::local {

namespace asio = boost::asio;

namespace {

// What an isolated child inherits from the supervisor's environment: what programs need to run
// (PATH, locale, home, proxies, certificates), nothing that could leak configuration between
// workloads — each one's contract comes from its plan alone, as in a pod.
bool inherited(std::string_view name) {
  static constexpr std::string_view kNames[] = {"PATH",
                                                "HOME",
                                                "USER",
                                                "LOGNAME",
                                                "LANG",
                                                "TZ",
                                                "TMPDIR",
                                                "TERM",
                                                "SSL_CERT_FILE",
                                                "SSL_CERT_DIR",
                                                "HTTP_PROXY",
                                                "HTTPS_PROXY",
                                                "NO_PROXY",
                                                "http_proxy",
                                                "https_proxy",
                                                "no_proxy",
                                                "KAOS_PYTHON_WORKER",
                                                "KAOS_STATE_DIR"};
  for (auto n : kNames)
    if (name == n) return true;
  return name.starts_with("LC_") || name.starts_with("XDG_");
}

std::map<std::string, std::string> inherited_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos && inherited(kv.substr(0, eq)))
      out[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return out;
}

// Appends the child's stdout to its log, line by line, until EOF. The log is opened
// close-on-exec (std::ofstream cannot ask for it): no other workload may inherit it.
net::Task<void> pump_stdout(std::shared_ptr<net::Process> proc, std::string log_file) {
  int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    spdlog::warn("local: cannot open {}: {}; the output of pid {} is dropped", log_file, std::strerror(errno),
                 proc->pid());
  for (;;) {
    auto line = co_await proc->read_line();
    if (!line || !*line) break;
    (*line)->push_back('\n');
    for (std::string_view rest = **line; fd >= 0 && !rest.empty();) {
      auto n = ::write(fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  if (fd >= 0) ::close(fd);
}

class SystemChild final : public ChildProcess {
 public:
  explicit SystemChild(std::shared_ptr<net::Process> proc) : proc_(std::move(proc)) {}
  int pid() const override { return proc_->pid(); }
  net::Task<net::ExitStatus> wait() override { return proc_->wait(); }
  net::Task<net::ExitStatus> terminate(std::chrono::milliseconds grace) override { return proc_->terminate(grace); }
  void kill(int signal) override { proc_->kill(signal); }

 private:
  std::shared_ptr<net::Process> proc_;
};

class SystemHost final : public Host {
 public:
  explicit SystemHost(net::Executor executor)
      : executor_(executor), http_(executor), inherited_(inherited_environment()) {}

  Result<std::shared_ptr<ChildProcess>> spawn(LaunchSpec spec) override {
    net::ProcessOptions po;
    po.argv = std::move(spec.argv);
    if (spec.isolated) po.env = inherited_;
    for (auto& [k, v] : spec.env) po.env[k] = std::move(v);
    po.inherit_env = !spec.isolated;
    po.pipe_stdin = false;
    po.pipe_stdout = spec.capture_stdout;
    po.stderr_mode = spec.log_file;
    po.new_process_group = true;
    po.die_with_parent = true;
    auto spawned = net::Process::spawn(executor_, std::move(po));
    if (!spawned) return spawned.error();
    std::shared_ptr<net::Process> proc(std::move(*spawned));
    if (spec.capture_stdout)
      net::spawn_background(executor_, pump_stdout(proc, spec.log_file),
                            "local: log of pid " + std::to_string(proc->pid()));
    return std::shared_ptr<ChildProcess>(std::make_shared<SystemChild>(std::move(proc)));
  }

  net::Task<bool> probe(const plan::ProbePlan& p, std::uint16_t port) override {
    using namespace asio::experimental::awaitable_operators;
    auto timeout = std::chrono::seconds(std::max(1, p.timeout_seconds));
    if (p.type == plan::ProbePlan::Type::http) {
      net::ClientRequest req;
      req.url = fmt::format("http://127.0.0.1:{}{}", port, p.path.empty() ? "/" : p.path);
      req.timeout = timeout;
      auto res = co_await http_.send(std::move(req));
      co_return res && res->status >= 200 && res->status < 400;
    }
    asio::ip::tcp::socket sock(executor_);
    asio::steady_timer timer(executor_, timeout);
    asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    boost::system::error_code open_ec;
    sock.open(ep.protocol(), open_ec);  // opened here, not by async_connect: close-on-exec first
    if (open_ec || !net::set_close_on_exec(sock.native_handle())) co_return false;
    auto outcome = co_await (sock.async_connect(ep, asio::as_tuple(asio::use_awaitable)) ||
                             timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (outcome.index() != 0) co_return false;
    auto [ec] = std::get<0>(outcome);
    co_return !ec;
  }

  net::Task<void> sleep(std::chrono::milliseconds duration) override {
    asio::steady_timer timer(executor_, duration);
    co_await timer.async_wait(asio::use_awaitable);  // throws operation_aborted when cancelled
  }

 private:
  net::Executor executor_;
  net::HttpClient http_;
  std::map<std::string, std::string> inherited_;
};

}  // namespace

std::shared_ptr<Host> system_host(net::Executor executor) {
  return std::make_shared<SystemHost>(std::move(executor));
}

}  // namespace kaos::local
