// Running one workload: dependencies, files, environment, the process, readiness probes,
// post-start steps, and restarts with backoff after it exits (docs/local.md "Status").
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>

#include "control/local/supervisor.hpp"
#include "control/local/supervisor_running.hpp"
#include "core/ids.hpp"

namespace kaos::local {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kFastPoll = std::chrono::milliseconds(50);
constexpr auto kExitPoll = std::chrono::milliseconds(250);

// What a child inherits from the supervisor's environment: what programs need to run (PATH,
// locale, home, proxies, certificates), nothing that could leak configuration between
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

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

}  // namespace

net::Task<bool> Supervisor::dependencies_ready(Running& r, std::uint64_t generation) {
  for (;;) {
    if (!current(r, generation)) co_return false;
    std::string waiting;
    for (const auto& dep : r.w.dependencies) {
      auto it = workloads_.find(dep.id());
      if (it == workloads_.end()) {
        waiting = fmt::format("{} {} not found", dep.kind, dep.name);
        break;
      }
      if (!it->second->ready) {
        // "failed" (not "is not ready") when the dependency is Failed: `kaos up` treats that
        // as settled instead of waiting out its whole --timeout for something that cannot come.
        waiting = it->second->phase == "Failed" ? fmt::format("{} {} failed", dep.kind, dep.name)
                                                : fmt::format("{} {} is not ready", dep.kind, dep.name);
        break;
      }
    }
    if (waiting.empty()) co_return true;
    set_phase(r, "Waiting", false, waiting);
    co_await wait_change();
  }
}

net::Task<bool> Supervisor::probe(const plan::ProbePlan& p, std::uint16_t port) {
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
  auto outcome = co_await (sock.async_connect(ep, asio::as_tuple(asio::use_awaitable)) ||
                           timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (outcome.index() != 0) co_return false;
  auto [ec] = std::get<0>(outcome);
  co_return !ec;
}

net::Task<void> Supervisor::pump_stdout(std::shared_ptr<Running> r, std::shared_ptr<net::Process> proc) {
  std::ofstream log(options_.state.log_file(r->w.ref.id()), std::ios::app);
  for (;;) {
    auto line = co_await proc->read_line();
    if (!line || !*line) break;
    log << **line << '\n';
    log.flush();
  }
}

net::Task<void> Supervisor::manage(std::shared_ptr<Running> r, std::uint64_t generation) {
  auto& w = r->w;
  const auto id = w.ref.id();
  // A restart after a plan change: the old process must be gone before the new one takes
  // its port.
  if (auto old = std::exchange(r->proc, nullptr)) co_await old->terminate(options_.stop_grace);
  if (!current(*r, generation)) co_return;
  if (w.failure) {
    event(*r, "Failed", *w.failure);
    set_phase(*r, "Failed", false, *w.failure);
    co_return;
  }
  if (w.waiting) {
    set_phase(*r, "Waiting", false, *w.waiting);
    co_return;
  }
  r->sleeper = std::make_shared<asio::steady_timer>(executor_);
  auto sleep = [r](std::chrono::milliseconds d) -> net::Task<void> {
    auto s = r->sleeper;
    s->expires_after(d);
    co_await s->async_wait(asio::as_tuple(asio::use_awaitable));
  };

  for (;;) {
    if (!current(*r, generation)) co_return;
    if (w.wait_for_dependencies && !w.dependencies.empty()) {
      if (!co_await dependencies_ready(*r, generation)) co_return;
    }
    // Files the workload reads, then its argv with {files} and "kaos" substituted.
    const auto files_dir = options_.state.files_dir(id);
    if (!w.files.empty()) {
      ::mkdir(files_dir.c_str(), 0700);
      for (const auto& [name, content] : w.files) {
        if (auto ok = write_file_atomic(files_dir + "/" + name, content, 0600); !ok) {
          set_phase(*r, "Failed", false, ok.error().message);
          co_return;
        }
      }
    }
    auto argv_of = [&](const std::vector<std::string>& cmd) {
      std::vector<std::string> argv;
      for (const auto& a : cmd) argv.push_back(replace_all(a, "{files}", files_dir));
      if (!argv.empty() && argv[0] == "kaos") argv[0] = options_.kaos_binary;
      return argv;
    };
    auto env = resolve_env(w, resources_, secrets_);
    if (!env) {
      event(*r, "Failed", env.error().message);
      set_phase(*r, "Failed", false, env.error().message);
      co_return;
    }
    net::ProcessOptions po;
    po.argv = argv_of(w.command);
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      auto eq = kv.find('=');
      if (eq != std::string_view::npos && inherited(kv.substr(0, eq)))
        po.env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    for (auto& [k, v] : *env) po.env[k] = v;
    r->env = std::move(*env);
    po.inherit_env = false;
    po.pipe_stdin = false;
    po.pipe_stdout = true;
    po.stderr_mode = options_.state.log_file(id);
    po.new_process_group = true;
    po.die_with_parent = true;
    auto spawned = net::Process::spawn(executor_, std::move(po));
    if (!spawned) {
      auto message = spawned.error().message;
      if (w.role == "ollama")
        message = "Hosted ModelAPIs run Ollama on this machine, and `ollama` is not installed (" + message +
                  "): install it from https://ollama.com, or use mode: Proxy with proxyConfig.apiBase pointing at an "
                  "OpenAI-compatible server";
      event(*r, "Failed", message);
      set_phase(*r, "Failed", false, message);
      co_return;
    }
    std::shared_ptr<net::Process> proc(std::move(*spawned));
    r->proc = proc;
    r->pid = proc->pid();
    r->started_at = iso8601_now();
    event(*r, "Started", fmt::format("pid {}", r->pid));
    set_phase(*r, "Pending", false,
              r->restarts ? fmt::format("restarted ({}), waiting for readiness", r->restarts)
                          : std::string("started, waiting for readiness"));
    asio::co_spawn(executor_, pump_stdout(r, proc), asio::detached);

    // Readiness: fast polls until the first success (and the post-start steps), then the
    // probe period; the exit check runs between probes.
    bool was_ready = false;
    auto next_probe = Clock::now();
    std::optional<net::ExitStatus> exit;
    while (!(exit = proc->try_wait())) {
      if (!current(*r, generation)) co_return;
      if (Clock::now() >= next_probe) {
        bool ok = co_await probe(w.readiness, w.port);
        if (!current(*r, generation)) co_return;
        if (ok && !was_ready) {
          for (const auto& cmd : w.post_start) {
            set_phase(*r, "Pending", false, "post-start: " + fmt::format("{}", fmt::join(cmd, " ")));
            net::ProcessOptions ps;
            ps.argv = argv_of(cmd);
            ps.pipe_stdin = false;
            ps.pipe_stdout = false;
            ps.stderr_mode = options_.state.log_file(id);
            auto step = net::Process::spawn(executor_, std::move(ps));
            if (!step) {
              set_phase(*r, "Failed", false, "post-start failed: " + step.error().message);
              co_return;
            }
            auto st = co_await (*step)->wait();
            if (st.code != 0) {
              set_phase(*r, "Failed", false, "post-start step failed: " + st.describe());
              co_return;
            }
          }
          was_ready = true;
          event(*r, "Ready", "");
        } else if (!ok && was_ready) {
          event(*r, "NotReady", "readiness probe failed");
        }
        if (ok) {
          set_phase(*r, "Ready", true, fmt::format("ready on port {}", w.port));
        } else if (was_ready) {
          set_phase(*r, "Pending", false, "readiness probe failing");
        }
        next_probe = Clock::now() + (was_ready ? std::chrono::seconds(std::max(1, w.readiness.period_seconds))
                                               : std::chrono::duration_cast<Clock::duration>(kFastPoll));
      }
      co_await sleep(was_ready ? kExitPoll : kFastPoll);
    }
    r->proc.reset();
    if (!current(*r, generation)) co_return;
    ++r->restarts;
    auto backoff = std::chrono::seconds(std::min(30, 1 << std::min(r->restarts - 1, 5)));
    auto what = exit->describe();
    event(*r, "Exited", what);
    set_phase(*r, "Pending", false,
              fmt::format("{}; restarting in {} s (restart {}, log {})", what, backoff.count(), r->restarts,
                          options_.state.log_file(id)));
    co_await sleep(std::chrono::duration_cast<std::chrono::milliseconds>(backoff));
    if (!current(*r, generation)) co_return;
    event(*r, "Restarting", "");
  }
}

}  // namespace kaos::local
