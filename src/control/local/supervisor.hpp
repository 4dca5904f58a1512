#pragma once
// The local runtime: runs a plan's workloads as child processes on loopback ports, with the
// status model of a cluster (plan::WorkloadStatus: phase Pending/Waiting/Ready/Failed, ready,
// endpoint, message, restarts).
//
// - Dependency order: a workload waiting for dependencies (waitForDependencies) starts once
//   they are Ready; the others start at once.
// - Readiness: the plan's probe (HTTP GET or TCP connect), every startup_probe_interval until
//   the first success, then every probe period.
// - Crashes: a child that exits is restarted after restart_backoff.ceiling(n) (1, 2, 4, 8, 16,
//   30, 30 … s).
// - Logs: stdout and stderr of each child are appended to one file per workload.
// - Apply: a new manifest set restarts only workloads whose plan fingerprint changed, starts
//   new ones and stops removed ones; ports stay with their workload, so endpoints are stable.
// - Children run in their own process group and die with the supervisor (PDEATHSIG), so
//   nothing outlives it.
//
// Each workload's run is a short pipeline of phases (supervisor_run.cpp, README.md): prepare →
// spawn → await ready → await exit → back off → again. The machine (processes, probes, timers)
// is behind `Host` (host.hpp), so tests drive the phases with a fake.
//
// Thread model: one io_context thread; every method runs on it (the control API's handlers
// do), so the state needs no lock.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/manifest.hpp"
#include "control/local/host.hpp"
#include "control/local/secrets.hpp"
#include "control/local/state_dir.hpp"
#include "core/backoff.hpp"
#include "core/json.hpp"
#include "net/change_signal.hpp"
#include "plan/plan.hpp"
#include "plan/status.hpp"

namespace kaos::local {

struct SupervisorOptions {
  StateDir state = StateDir::resolve();
  std::string kaos_binary;  ///< substituted for a plan's "kaos" argv[0]
  std::string bind_host = "127.0.0.1";
  std::chrono::milliseconds stop_grace{5'000};
  /// The wait before crash restart n (1-based): ceiling(n), no jitter.
  Backoff restart_backoff{std::chrono::seconds(1), std::chrono::seconds(30), 1.0};
  /// Readiness probes until the first success come this often (then every probe period).
  std::chrono::milliseconds startup_probe_interval{50};
  /// Processes, probes and timers; null means system_host(executor).
  std::shared_ptr<Host> host;
};

struct WorkloadEvent {
  std::string timestamp;
  std::string type;  ///< Started, Ready, NotReady, Exited, Restarting, Failed, Stopped, Configured
  std::string message;
};

/// One workload as the control API lists it.
struct WorkloadReport {
  plan::WorkloadRef ref;
  std::string role;
  plan::WorkloadStatus status;
  int pid = 0;  ///< 0 when no process runs
  std::string started_at;
  std::string log_file;
};

/// One workload in full: its report, the resource's spec, its plan and recent events.
struct WorkloadDescription {
  WorkloadReport report;
  json::value spec;
  plan::Workload plan;
  std::vector<WorkloadEvent> events;  ///< oldest first, the last 50
};

struct ApplyResult {
  std::vector<std::string> errors;  ///< non-empty: nothing was changed
  /// id → "created", "configured" (restarted: plan changed, a failed start retried, or a
  /// referenced secret's value changed), "unchanged", "deleted".
  std::vector<std::pair<std::string, std::string>> actions;
};

class Supervisor {
 public:
  Supervisor(net::Executor executor, SupervisorOptions options);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  /// Validates every source and applies the set. `prune`: resources missing from the set are
  /// stopped (kaos up); otherwise they stay (kaos apply).
  ApplyResult apply(const std::vector<std::pair<std::string, std::string>>& sources, bool prune);
  /// Removes the given resources; returns the ids removed.
  std::vector<std::string> remove(const std::vector<plan::WorkloadRef>& refs);
  /// Stops every workload (SIGTERM, then SIGKILL after the grace); completes when all exited.
  net::Task<void> stop_all();

  /// Every workload: ModelAPIs, MCPServers, then Agents, each group by id.
  std::vector<WorkloadReport> status() const;
  /// One workload (by id, "agent/<ns>/<name>"); nullopt when unknown.
  std::optional<WorkloadDescription> describe(const std::string& id) const;
  /// Completes on the next status change anywhere (for waiters such as `kaos up`).
  net::Task<void> wait_change() { return changes_.wait(); }

  const SupervisorOptions& options() const { return options_; }

 private:
  struct WorkloadState;  // supervisor_state.hpp
  struct RunContext;

  // supervisor.cpp: the set of workloads and their status.
  void set_status(WorkloadState& s, plan::Phase phase, bool ready, std::string message, std::string reason = {});
  void event(WorkloadState& s, std::string type, std::string message);
  /// Recomputes every memory agent's MemoryDegraded condition from its store's phase (stamped
  /// when it changes); called whenever a status or the set changes.
  void refresh_memory_conditions();
  WorkloadReport report(const WorkloadState& s) const;
  std::uint16_t port_for(const std::string& id);
  std::string why_restart(const WorkloadState& current, const plan::Workload& next) const;
  void start(const std::string& id);
  void stop(const std::string& id, bool erase);
  void interrupt(WorkloadState& s);

  // supervisor_run.cpp: one run of one workload, phase by phase.
  net::Task<void> run(RunContext ctx);
  net::Task<void> retire_previous(RunContext& ctx);
  bool settled_by_plan(RunContext& ctx);
  net::Task<bool> await_dependencies(RunContext& ctx);
  std::optional<plan::DependencyBlocker> unready_dependency(const plan::Workload& w) const;
  std::optional<LaunchSpec> prepare(RunContext& ctx);
  std::shared_ptr<ChildProcess> spawn(RunContext& ctx, LaunchSpec spec);
  net::Task<std::optional<net::ExitStatus>> await_exit(RunContext& ctx, std::shared_ptr<ChildProcess> child);
  net::Task<bool> watch_readiness(RunContext& ctx);
  net::Task<bool> await_ready(RunContext& ctx);
  net::Task<bool> run_post_start(RunContext& ctx);
  net::Task<bool> back_off(RunContext& ctx, const net::ExitStatus& exit);
  net::Task<bool> pause(RunContext& ctx, std::chrono::milliseconds duration);
  bool current(const RunContext& ctx) const;
  std::vector<std::string> argv_of(const RunContext& ctx, const std::vector<std::string>& command) const;

  net::Executor executor_;
  SupervisorOptions options_;
  std::shared_ptr<Host> host_;
  SecretStore secrets_;
  std::vector<api::Resource> resources_;
  std::map<std::string, std::shared_ptr<WorkloadState>> workloads_;
  std::map<std::string, std::uint16_t> ports_;
  net::ChangeSignal changes_;
};

}  // namespace kaos::local
