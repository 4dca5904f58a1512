// One run of one workload, as a pipeline of short phases over a RunContext (README.md, "The
// supervisor's phases"): retire the previous process → settle from the plan → await
// dependencies → prepare → spawn → await exit (await ready, then watch readiness, racing the
// child's exit) → back off → again. Every wait is on the child (ChildProcess::wait), a timer
// (Host::sleep, interruptible) or a status change; nothing polls for the exit.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "control/local/supervisor.hpp"
#include "control/local/supervisor_state.hpp"
#include "core/ids.hpp"

namespace kaos::local {

using plan::Phase;

namespace {

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// "1 s", "30 s" (the real schedule is whole seconds); "250 ms" for a shorter setting.
std::string describe_delay(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return fmt::format("{} s", d.count() / 1000);
  return fmt::format("{} ms", d.count());
}

}  // namespace

bool Supervisor::current(const RunContext& ctx) const {
  auto it = workloads_.find(ctx.id);
  return it != workloads_.end() && it->second == ctx.state && ctx.state->generation == ctx.generation;
}

net::Task<void> Supervisor::run(RunContext ctx) {
  co_await retire_previous(ctx);
  if (!current(ctx) || settled_by_plan(ctx)) co_return;
  for (;;) {
    if (!co_await await_dependencies(ctx)) co_return;
    auto launch = prepare(ctx);
    if (!launch) co_return;
    auto child = spawn(ctx, std::move(*launch));
    if (!child) co_return;
    auto exit = co_await await_exit(ctx, std::move(child));
    if (!exit || !co_await back_off(ctx, *exit)) co_return;
    event(*ctx.state, "Restarting", "");
  }
}

// A restart after a change: the old process must be gone before the new one takes its port.
net::Task<void> Supervisor::retire_previous(RunContext& ctx) {
  if (auto old = std::exchange(ctx.state->child, nullptr)) co_await old->terminate(options_.stop_grace);
}

// The plan alone decides: Failed (it cannot run here) or Waiting (on something absent).
bool Supervisor::settled_by_plan(RunContext& ctx) {
  auto& s = *ctx.state;
  auto implied = s.w.implied_status();
  if (!implied) return false;
  if (implied->phase == Phase::Failed) event(s, "Failed", implied->message);
  set_status(s, implied->phase, false, implied->message, implied->reason);
  return true;
}

// Waiting until every dependency is Ready (waitForDependencies); false when superseded.
net::Task<bool> Supervisor::await_dependencies(RunContext& ctx) {
  const auto& w = ctx.state->w;
  if (!w.wait_for_dependencies || w.dependencies.empty()) co_return current(ctx);
  for (;;) {
    if (!current(ctx)) co_return false;
    auto blocker = unready_dependency(w);
    if (!blocker) co_return true;
    set_status(*ctx.state, Phase::Waiting, false, std::move(blocker->message), std::move(blocker->reason));
    co_await changes_.wait();
  }
}

// The first dependency that is not Ready (plan's rule). A missing or Failed dependency gives a
// reason `kaos up` treats as settled (plan::waits_for_good) instead of waiting out its whole
// --timeout for something that cannot come by itself.
std::optional<plan::DependencyBlocker> Supervisor::unready_dependency(const plan::Workload& w) const {
  return plan::first_unready_dependency(w, [&](const plan::WorkloadRef& dep) -> std::optional<plan::WorkloadStatus> {
    auto it = workloads_.find(dep.id());
    if (it == workloads_.end()) return std::nullopt;
    return it->second->status;
  });
}

std::vector<std::string> Supervisor::argv_of(const RunContext& ctx, const std::vector<std::string>& command) const {
  std::vector<std::string> argv;
  argv.reserve(command.size());
  for (const auto& a : command) argv.push_back(replace_all(a, plan::kFilesPlaceholder, ctx.files_dir));
  if (!argv.empty() && argv[0] == plan::kKaosProgram) argv[0] = options_.kaos_binary;
  return argv;
}

// The files the workload reads, its resolved environment and argv; nullopt (Failed) when a
// file cannot be written or a referenced secret is missing.
std::optional<LaunchSpec> Supervisor::prepare(RunContext& ctx) {
  auto& s = *ctx.state;
  if (!s.w.files.empty()) {
    ::mkdir(ctx.files_dir.c_str(), 0700);
    for (const auto& [name, content] : s.w.files) {
      if (auto ok = write_file_atomic(ctx.files_dir + "/" + name, content, 0600); !ok) {
        set_status(s, Phase::Failed, false, ok.error().message);
        return std::nullopt;
      }
    }
  }
  auto env = resolve_env(s.w, resources_, secrets_);
  if (!env) {
    event(s, "Failed", env.error().message);
    set_status(s, Phase::Failed, false, env.error().message);
    return std::nullopt;
  }
  s.env = *env;
  return LaunchSpec{argv_of(ctx, s.w.command), std::move(*env), /*isolated=*/true, ctx.log_file,
                    /*capture_stdout=*/true};
}

std::shared_ptr<ChildProcess> Supervisor::spawn(RunContext& ctx, LaunchSpec spec) {
  auto& s = *ctx.state;
  auto spawned = host_->spawn(std::move(spec));
  if (!spawned) {
    auto message = spawned.error().message;
    // A missing Ollama is a fact about the machine, said without the whole PATH it was
    // looked up in (the process error carries it; the log has it).
    if (s.w.role == "ollama" && spawned.error().kind == ErrorKind::not_found)
      message =
          "Hosted ModelAPIs run Ollama on this machine, and `ollama` is not installed (not found in PATH): install "
          "it from https://ollama.com, or use mode: Proxy with proxyConfig.apiBase pointing at an OpenAI-compatible "
          "server";
    event(s, "Failed", message);
    set_status(s, Phase::Failed, false, message);
    return nullptr;
  }
  s.child = *spawned;
  s.pid = s.child->pid();
  s.started_at = iso8601_now();
  event(s, "Started", fmt::format("pid {}", s.pid));
  set_status(s, Phase::Pending, false,
             s.status.restarts ? fmt::format("restarted ({}), waiting for readiness", s.status.restarts)
                               : std::string("started, waiting for readiness"));
  return s.child;
}

// Awaits the child's exit while readiness is awaited and then watched. nullopt when the run
// ends without an exit to restart after: superseded, or a post-start step failed (Failed; the
// child is left running, as a failed post-start hook leaves its pod).
net::Task<std::optional<net::ExitStatus>> Supervisor::await_exit(RunContext& ctx, std::shared_ptr<ChildProcess> child) {
  using namespace boost::asio::experimental::awaitable_operators;
  auto outcome = co_await (child->wait() || watch_readiness(ctx));
  if (outcome.index() != 0 || !current(ctx)) co_return std::nullopt;
  if (ctx.state->child == child) ctx.state->child.reset();
  co_return std::get<0>(outcome);
}

// Await ready, then probe every period: Ready ⇄ Pending ("readiness probe failing"). Returns
// only when a post-start step failed or the run was superseded (false); otherwise it runs until
// the child's exit cancels it.
net::Task<bool> Supervisor::watch_readiness(RunContext& ctx) {
  if (!co_await await_ready(ctx)) co_return false;
  auto& s = *ctx.state;
  const auto period = std::chrono::seconds(std::max(1, s.w.readiness.period_seconds));
  for (;;) {
    if (!co_await pause(ctx, period)) co_return false;
    bool ok = co_await host_->probe(s.w.readiness, s.w.port);
    if (!current(ctx)) co_return false;
    if (ok) {
      set_status(s, Phase::Ready, true, fmt::format("ready on port {}", s.w.port));
    } else {
      event(s, "NotReady", "readiness probe failed");
      set_status(s, Phase::Pending, false, "readiness probe failing");
    }
  }
}

// Probes every startup_probe_interval until the first success, runs the post-start steps, and
// marks the workload Ready. False when superseded or a post-start step failed.
net::Task<bool> Supervisor::await_ready(RunContext& ctx) {
  auto& s = *ctx.state;
  for (;;) {
    bool ok = co_await host_->probe(s.w.readiness, s.w.port);
    if (!current(ctx)) co_return false;
    if (ok) break;
    if (!co_await pause(ctx, options_.startup_probe_interval)) co_return false;
  }
  if (!co_await run_post_start(ctx)) co_return false;
  event(s, "Ready", "");
  set_status(s, Phase::Ready, true, fmt::format("ready on port {}", s.w.port));
  co_return true;
}

// The plan's post-start commands (e.g. `ollama pull MODEL`), one after the other; any failure
// is Failed with the step's reason.
net::Task<bool> Supervisor::run_post_start(RunContext& ctx) {
  auto& s = *ctx.state;
  for (const auto& cmd : s.w.post_start) {
    set_status(s, Phase::Pending, false, "post-start: " + fmt::format("{}", fmt::join(cmd, " ")));
    auto step = host_->spawn(LaunchSpec{argv_of(ctx, cmd),
                                        {},
                                        /*isolated=*/false,
                                        ctx.log_file,
                                        /*capture_stdout=*/false});
    if (!step) {
      set_status(s, Phase::Failed, false, "post-start failed: " + step.error().message);
      co_return false;
    }
    auto status = co_await (*step)->wait();
    if (!current(ctx)) co_return false;
    if (status.code != 0) {
      set_status(s, Phase::Failed, false, "post-start step failed: " + status.describe());
      co_return false;
    }
  }
  co_return true;
}

// After an exit: Exited, Pending with the restart delay, then the delay (restart_backoff
// ceiling of the restart count). False when superseded meanwhile.
net::Task<bool> Supervisor::back_off(RunContext& ctx, const net::ExitStatus& exit) {
  auto& s = *ctx.state;
  const int restarts = ++s.status.restarts;
  const auto delay = options_.restart_backoff.ceiling(restarts);
  auto what = exit.describe();
  event(s, "Exited", what);
  set_status(
      s, Phase::Pending, false,
      fmt::format("{}; restarting in {} (restart {}, log {})", what, describe_delay(delay), restarts, ctx.log_file));
  co_return co_await pause(ctx, delay);
}

// Sleeps `duration` unless the run is superseded first; true when the run is still current.
net::Task<bool> Supervisor::pause(RunContext& ctx, std::chrono::milliseconds duration) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (!current(ctx)) co_return false;
  auto state = ctx.state;  // the signal lives in it
  co_await (host_->sleep(duration) || state->interrupted.wait());
  co_return current(ctx);
}

}  // namespace kaos::local
