// `kaos up`, `apply`, `down`, `delete` and the hidden `__supervisor`: the local runtime's
// lifecycle (docs/local.md). The same manifests a cluster takes run here as processes.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "api/manifest.hpp"
#include "cli/command.hpp"
#include "cli/local_runtime.hpp"
#include "cli/manifest_files.hpp"
#include "cli/output.hpp"
#include "control/local/control_api.hpp"
#include "control/local/supervisor_main.hpp"
#include "core/log.hpp"
#include "plan/plan.hpp"

namespace kaos::cli {

namespace {

struct UpFlags {
  std::vector<std::string> paths;
  bool detach = false;
  int timeout_s = 120;
};

// What the local runtime does with a document that is not a KAOS resource (KAOS kinds are all
// listed with their status): said once, so no document of the set is dropped in silence.
std::string passed_through_note(const std::string& kind) {
  if (kind == "Secret" || kind == "ConfigMap") return "read where env references name it";
  if (kind == "Namespace") return "namespaces are names only here";
  return "not run: the local runtime runs KAOS kinds only (a cluster would apply it)";
}

// Validates locally first, so a bad set is reported in full before anything starts.
bool load_and_check(const std::vector<std::string>& paths, std::vector<std::pair<std::string, std::string>>& sources) {
  if (!read_sources(paths, sources)) return false;
  auto set = api::load_manifests(sources);
  bool ok = true;
  Style err(stderr);
  for (const auto& e : set.entries)
    for (const auto& d : e.diagnostics.items())
      if (d.severity == api::Severity::Error) {
        std::cerr << err.red("error") << ": " << e.format(d) << "\n";
        ok = false;
      }
  if (!ok) {
    std::cerr << "nothing was started: fix the errors above (`kaos validate -f` checks without running)\n";
    return false;
  }
  Style out(stdout);
  for (const auto& e : set.entries) {
    const auto* g = e.resource ? std::get_if<api::GenericObject>(&*e.resource) : nullptr;
    if (!g || plan::is_workload_kind(g->kind)) continue;
    std::cout << "  " << g->kind << "/" << g->metadata.namespace_ << "/" << g->metadata.name << "  "
              << out.dim(passed_through_note(g->kind)) << "\n";
  }
  return true;
}

void print_next_steps(local::ControlClient& client) {
  auto list = local::list_resources(client);
  if (!list) return;
  std::cout << "\n";
  print_status_table(*list, false);
  std::vector<std::string> agents;
  for (const auto& r : *list) {
    if (r.kind != "Agent" || local::phase_of(r) != plan::Phase::Ready) continue;
    agents.push_back(r.name + (r.namespace_ == "default" ? "" : " -n " + r.namespace_));
  }
  if (!agents.empty()) {
    std::cout << "\nchat with an agent:\n";
    for (const auto& a : agents) std::cout << "  kaos chat " << a << " \"Hello\"\n";
  }
}

int run_up(const UpFlags& f) {
  std::vector<std::pair<std::string, std::string>> sources;
  if (!load_and_check(f.paths, sources)) return 1;
  auto state = local::StateDir::resolve();
  int started_pid = 0;
  if (!local::read_supervisor(state)) {
    auto pid = start_supervisor(state, f.detach, std::chrono::seconds(10));
    if (!pid) {
      std::cerr << "kaos up: " << pid.error().message << "\n";
      return 1;
    }
    started_pid = *pid;
  }
  auto client = local::ControlClient::connect(state);
  if (!client) {
    std::cerr << "kaos up: " << client.error().message << "\n";
    return 1;
  }
  // Ctrl-C while we wait must stop the foreground runtime cleanly, not kill this waiter
  // first: the supervisor (same process group) gets the signal too and stops its workloads.
  if (started_pid && !f.detach) ::signal(SIGINT, SIG_IGN);
  if (!apply_sources(*client, sources, /*prune=*/true)) {
    // The runtime rejected the set: a runtime this command just started would otherwise stay
    // behind with nothing in it ("nothing is started" must hold for server-side errors too).
    if (started_pid) {
      (void)client->post("/v1/shutdown", json::object{});
      if (!f.detach) ::waitpid(started_pid, nullptr, 0);
    }
    return 1;
  }
  bool ok = wait_settled(*client, std::chrono::seconds(f.timeout_s));
  print_next_steps(*client);
  if (!started_pid || f.detach) {
    if (f.detach && started_pid)
      std::cout << "\nthe local runtime runs in the background (pid " << started_pid << "); `kaos down` stops it\n";
    return ok ? 0 : 1;
  }
  std::cout << "\nrunning in the foreground: Ctrl-C stops everything (or `kaos down` from another terminal)\n"
            << std::flush;
  int status = 0;
  while (::waitpid(started_pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::cout << "stopped\n";
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int run_apply(const std::vector<std::string>& paths, int timeout_s) {
  std::vector<std::pair<std::string, std::string>> sources;
  if (!load_and_check(paths, sources)) return 1;
  auto client = local::ControlClient::connect();
  if (!client) {
    std::cerr << "kaos apply: " << client.error().message << "\n";
    return 1;
  }
  if (!apply_sources(*client, sources, /*prune=*/false)) return 1;
  return wait_settled(*client, std::chrono::seconds(timeout_s)) ? 0 : 1;
}

// Waits until `pid` is gone or `deadline` passes; true when it is gone.
bool wait_gone(int pid, std::chrono::steady_clock::time_point deadline) {
  while (local::pid_running(pid)) {  // not kill(pid, 0): a zombie left unreaped is stopped too
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// The whole of `kaos down` keeps `timeout_s`: the shutdown request gets at most a third of it
// (a runtime that accepts but never answers must not hold the command), then SIGTERM, then
// SIGKILL at the deadline. Workloads die with the supervisor (PR_SET_PDEATHSIG). Each step it
// took is said.
int run_down(int timeout_s) {
  using namespace std::chrono;
  auto state = local::StateDir::resolve();
  auto client = local::ControlClient::connect(state);
  if (!client) {
    std::cout << "no local runtime is running\n";
    return 0;
  }
  const int pid = client->supervisor().pid;
  const auto total = seconds(std::max(timeout_s, 1));
  const auto deadline = steady_clock::now() + total;
  auto ask = duration_cast<milliseconds>(total) / 3;
  auto res = client->post("/v1/shutdown", json::object{}, std::max(ask, milliseconds(200)));
  bool gone = false;
  if (res && res->status == 202) {
    gone = wait_gone(pid, deadline);
  } else {
    std::string why =
        !res ? res.error().message : "it answered " + std::to_string(res->status) + " to the shutdown request";
    std::cerr << "kaos down: the local runtime (pid " << pid << ") did not accept the shutdown request (" << why
              << "); sent SIGTERM\n";
    ::kill(pid, SIGTERM);
    gone = wait_gone(pid, deadline);
  }
  if (!gone) {
    std::cerr << "kaos down: the local runtime (pid " << pid << ") did not stop in " << timeout_s
              << " s; killed it (SIGKILL; its workloads die with it)\n";
    ::kill(pid, SIGKILL);
    wait_gone(pid, steady_clock::now() + seconds(5));
  }
  local::remove_supervisor(state);
  std::cout << "stopped the local runtime (pid " << pid << ") and every workload" << (gone ? "" : " (killed)") << "\n";
  return 0;
}

int run_delete(const std::vector<std::string>& paths, const std::vector<std::string>& words, const std::string& ns) {
  auto client = local::ControlClient::connect();
  if (!client) {
    std::cerr << "kaos delete: " << client.error().message << "\n";
    return 1;
  }
  protocol::kaos::DeleteRequest request;
  if (!paths.empty()) {
    std::vector<std::pair<std::string, std::string>> sources;
    if (!read_sources(paths, sources)) return 1;
    request.sources = local::wire_sources(sources);
  } else {
    if (words.size() != 2) {
      std::cerr << "kaos delete: give -f PATH or KIND NAME (e.g. kaos delete agent assistant)\n";
      return 2;
    }
    if (local::canonical_kind(words[0]).empty()) {
      std::cerr << "kaos delete: unknown kind '" << words[0] << "' (" << local::kind_words() << ")\n";
      return 2;
    }
    request.resources = std::vector<protocol::kaos::ResourceKey>{{words[0], ns, words[1]}};
  }
  auto reply = local::post_delete(*client, request);
  if (!reply) {
    std::cerr << "kaos delete: " << reply.error().message << "\n";
    return 1;
  }
  const auto& deleted = reply->deleted;
  if (deleted.empty()) {
    std::cerr << "kaos delete: nothing matched (see `kaos status`)\n";
    return 1;
  }
  for (const auto& id : deleted) std::cout << id << " deleted\n";
  return 0;
}

}  // namespace

void add_up_commands(CLI::App& app, CommandContext& ctx) {
  auto up = std::make_shared<UpFlags>();
  auto* cmd = app.add_subcommand(
      "up",
      "Run KAOS manifests on this machine: every ModelAPI, MCPServer and Agent becomes a local process on a\n"
      "free loopback port, started in dependency order, restarted when it crashes, logged to one file each.\n"
      "Everything is validated first: any error is printed and nothing starts. Re-running `kaos up` with\n"
      "changed manifests restarts only what changed and stops what was removed. See docs/local.md.");
  cmd->add_option("-f,--filename", up->paths, "Manifest file or directory (recursive); '-' reads stdin. Repeatable.")
      ->required();
  cmd->add_flag("-d,--detach", up->detach, "Run in the background (stop with `kaos down`)");
  cmd->add_option("--timeout", up->timeout_s, "Seconds to wait for every resource to be ready")->capture_default_str();
  cmd->callback([up, &ctx] { ctx.exit_code = run_up(*up); });

  auto apply_paths = std::make_shared<std::vector<std::string>>();
  auto apply_timeout = std::make_shared<int>(120);
  auto* apply = app.add_subcommand("apply",
                                   "Add or update resources in the running local runtime (others stay as they are;\n"
                                   "`kaos up` replaces the whole set). Only workloads whose plan changed restart.");
  apply->add_option("-f,--filename", *apply_paths, "Manifest file or directory; '-' reads stdin. Repeatable.")
      ->required();
  apply->add_option("--timeout", *apply_timeout, "Seconds to wait for readiness")->capture_default_str();
  apply->callback([apply_paths, apply_timeout, &ctx] { ctx.exit_code = run_apply(*apply_paths, *apply_timeout); });

  auto down_timeout = std::make_shared<int>(30);
  auto* down = app.add_subcommand("down", "Stop the local runtime and every workload it started (no process is left).");
  down->add_option("--timeout", *down_timeout, "Seconds to wait before killing it")->capture_default_str();
  down->callback([down_timeout, &ctx] { ctx.exit_code = run_down(*down_timeout); });

  struct DeleteFlags {
    std::vector<std::string> paths, words;
    std::string ns = "default";
  };
  auto del = std::make_shared<DeleteFlags>();
  auto* delc =
      app.add_subcommand("delete", "Stop and remove resources: `kaos delete -f PATH` or `kaos delete KIND NAME`.");
  delc->add_option("-f,--filename", del->paths, "Manifests naming the resources to remove");
  delc->add_option("words", del->words, "KIND NAME (kind: agent, modelapi, mcpserver)");
  delc->add_option("-n,--namespace", del->ns, "Namespace")->capture_default_str();
  delc->callback([del, &ctx] { ctx.exit_code = run_delete(del->paths, del->words, del->ns); });

  // The supervisor process itself, started by `kaos up`; not for direct use.
  auto* sup = app.add_subcommand("__supervisor", "");
  sup->group("");
  sup->callback([&ctx] {
    auto settings = log_settings_from_env();
    init_logging(settings ? *settings : LogSettings{}, "local");
    local::SupervisorOptions o;
    o.kaos_binary = self_executable();
    ctx.exit_code = local::run_supervisor(std::move(o));
  });
}

}  // namespace kaos::cli
