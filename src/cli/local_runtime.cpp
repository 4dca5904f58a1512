#include "cli/local_runtime.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <map>
#include <thread>

#include "cli/output.hpp"

extern char** environ;

namespace kaos::cli {

std::string self_executable() {
  char buf[4096];
  auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "kaos";
  return std::string(buf, static_cast<std::size_t>(n));
}

Result<int> start_supervisor(const local::StateDir& state, bool detach, std::chrono::milliseconds timeout) {
  if (auto ok = state.ensure(); !ok) return ok.error();
  auto exe = self_executable();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, state.supervisor_log().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  // The supervisor inherits nothing but 0-2 from this CLI (glibc 2.34+; close_range inside).
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Detached: its own session, so closing the terminal or Ctrl-C here does not reach it.
  // Foreground: same process group, so Ctrl-C reaches it and it stops every workload.
  if (detach) posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<std::string> args{exe, "__supervisor"};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, exe.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Error::io("cannot start the local runtime: " + std::string(std::strerror(rc)));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto info = local::read_supervisor(state); info && info->pid == pid) return static_cast<int>(pid);
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid)
      return Error::io("the local runtime exited at start; see " + state.supervisor_log());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Error::timeout("the local runtime did not start within " + std::to_string(timeout.count()) + " ms; see " +
                        state.supervisor_log());
}

bool apply_sources(local::ControlClient& client, const std::vector<std::pair<std::string, std::string>>& sources,
                   bool prune) {
  auto res = local::post_apply(client, {local::wire_sources(sources), prune});
  if (!res) {
    std::cerr << "kaos: " << res.error().message << "\n";
    return false;
  }
  if (const auto* rejected = std::get_if<protocol::kaos::ApplyRejection>(&*res)) {
    Style err(stderr);
    for (const auto& e : rejected->errors) std::cerr << err.red("error") << ": " << e << "\n";
    std::cerr << "nothing was changed\n";
    return false;
  }
  Style out(stdout);
  for (const auto& a : std::get<protocol::kaos::ApplyReply>(*res).actions) {
    if (a.action == "unchanged") continue;
    std::cout << a.id << " " << (a.action == "deleted" ? out.yellow(a.action) : out.green(a.action)) << "\n";
  }
  return true;
}

namespace {
using plan::Phase;

bool settled(const protocol::kaos::ResourceStatus& r) {
  auto phase = local::phase_of(r);
  if (phase == Phase::Ready || phase == Phase::Failed) return true;
  // Waiting for something absent or Failed will not change by itself: settled, so `kaos up`
  // reports it instead of waiting out its timeout.
  return plan::waits_for_good(phase, r.reason);
}
}  // namespace

bool wait_settled(local::ControlClient& client, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::map<std::string, std::string> seen;
  Style style(stdout);
  for (;;) {
    auto list = local::list_resources(client);
    if (!list) {
      std::cerr << "kaos: " << list.error().message << "\n";
      return false;
    }
    bool all = true, failed = false;
    for (const auto& r : *list) {
      auto phase = local::phase_of(r);
      auto line = r.phase + " " + r.message;
      if (seen[r.id] != line) {
        seen[r.id] = line;
        auto colored = phase == Phase::Ready    ? style.green(r.phase)
                       : phase == Phase::Failed ? style.red(r.phase)
                                                : style.yellow(r.phase);
        std::cout << "  " << r.id << "  " << colored << "  " << style.dim(r.message) << "\n";
      }
      all = all && settled(r);
      failed = failed || phase == Phase::Failed;
    }
    if (all) return !failed;
    if (std::chrono::steady_clock::now() >= deadline) {
      std::cerr << "kaos: not everything is ready after " << timeout.count() / 1000
                << " s; `kaos status` shows where it stands and `kaos logs NAME` why\n";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void print_status_table(const std::vector<protocol::kaos::ResourceStatus>& resources, bool wide) {
  std::vector<std::string> headers{"KIND", "NAME", "NAMESPACE", "PHASE", "READY", "ENDPOINT"};
  if (wide) {
    headers.emplace_back("RESTARTS");
    headers.emplace_back("PID");
  }
  headers.emplace_back("MESSAGE");
  Table t(headers);
  for (const auto& r : resources) {
    std::vector<std::string> row{r.kind, r.name, r.namespace_, r.phase, r.ready ? "true" : "false", r.endpoint};
    if (wide) {
      row.push_back(std::to_string(r.restarts));
      row.push_back(std::to_string(r.pid));
    }
    // A condition that is True beside a phase is news the phase does not tell (KAOS's
    // MemoryDegraded: the agent serves, without its store).
    std::string message = r.message;
    for (const auto& c : r.conditions)
      if (c.status == "True") message += (message.empty() ? "" : "; ") + c.type + ": " + c.message;
    row.push_back(wide ? message : preview(message, 60));
    t.add_row(std::move(row));
  }
  if (t.empty()) {
    std::cout << "no resources\n";
    return;
  }
  t.print(std::cout, Style(stdout));
}

}  // namespace kaos::cli
