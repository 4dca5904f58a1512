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
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Detached: its own session, so closing the terminal or Ctrl-C here does not reach it.
  // Foreground: same process group, so Ctrl-C reaches it and it stops every workload.
  if (detach) posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<std::string> args{exe, "__supervisor"};
  std::vector<char*> argv;
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
  json::object body;
  body["sources"] = local::sources_json(sources);
  body["prune"] = prune;
  auto res = client.post("/v1/apply", body);
  if (!res) {
    std::cerr << "kaos: " << res.error().message << "\n";
    return false;
  }
  Style err(stderr);
  if (res->status == 422 && res->body.is_object()) {
    for (const auto& e : res->body.at("errors").get_array())
      std::cerr << err.red("error") << ": " << value_text(e) << "\n";
    std::cerr << "nothing was changed\n";
    return false;
  }
  if (res->status != 200 || !res->body.is_object()) {
    std::cerr << "kaos: the local runtime answered " << res->status << ": " << to_json(res->body) << "\n";
    return false;
  }
  Style out(stdout);
  for (const auto& a : res->body.at("actions").get_array()) {
    auto action = std::string(a.at("action").get_string());
    if (action == "unchanged") continue;
    std::cout << value_text(a.at("id")) << " " << (action == "deleted" ? out.yellow(action) : out.green(action))
              << "\n";
  }
  return true;
}

namespace {
bool settled(const json::object& r) {
  auto phase = r.at("phase").get_string();
  if (phase == "Ready" || phase == "Failed") return true;
  auto msg = std::string(r.at("message").get_string());
  // Waiting for something absent or Failed (see Supervisor::dependencies_ready) will not
  // change by itself: settled, so `kaos up` reports it instead of waiting out its timeout.
  return phase == "Waiting" && (msg.ends_with("not found") || msg.ends_with(" failed"));
}
}  // namespace

bool wait_settled(local::ControlClient& client, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::map<std::string, std::string> seen;
  Style style(stdout);
  for (;;) {
    auto res = client.get("/v1/resources");
    if (!res || res->status != 200 || !res->body.is_array()) {
      std::cerr << "kaos: " << (res ? "unexpected answer from the local runtime" : res.error().message) << "\n";
      return false;
    }
    bool all = true, failed = false;
    for (const auto& v : res->body.get_array()) {
      const auto& r = v.get_object();
      auto id = std::string(r.at("id").get_string());
      auto phase = std::string(r.at("phase").get_string());
      auto line = phase + " " + std::string(r.at("message").get_string());
      if (seen[id] != line) {
        seen[id] = line;
        auto colored = phase == "Ready"    ? style.green(phase)
                       : phase == "Failed" ? style.red(phase)
                                           : style.yellow(phase);
        std::cout << "  " << id << "  " << colored << "  " << style.dim(std::string(r.at("message").get_string()))
                  << "\n";
      }
      all = all && settled(r);
      failed = failed || phase == "Failed";
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

void print_status_table(const json::array& resources, bool wide) {
  std::vector<std::string> headers{"KIND", "NAME", "NAMESPACE", "PHASE", "READY", "ENDPOINT"};
  if (wide) {
    headers.push_back("RESTARTS");
    headers.push_back("PID");
  }
  headers.push_back("MESSAGE");
  Table t(headers);
  for (const auto& v : resources) {
    const auto& r = v.get_object();
    std::vector<std::string> row{value_text(r.at("kind")),
                                 value_text(r.at("name")),
                                 value_text(r.at("namespace")),
                                 value_text(r.at("phase")),
                                 r.at("ready").as_bool() ? "true" : "false",
                                 value_text(r.at("endpoint"))};
    if (wide) {
      row.push_back(value_text(r.at("restarts")));
      row.push_back(value_text(r.at("pid")));
    }
    row.push_back(wide ? value_text(r.at("message")) : preview(value_text(r.at("message")), 60));
    t.add_row(std::move(row));
  }
  if (t.empty()) {
    std::cout << "no resources\n";
    return;
  }
  t.print(std::cout, Style(stdout));
}

}  // namespace kaos::cli
