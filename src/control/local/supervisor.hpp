#pragma once
// The local runtime: runs a plan's workloads as child processes on loopback ports, with the
// status model of a cluster (phase Pending/Waiting/Ready/Failed, ready, endpoint, message).
//
// - Dependency order: a workload waiting for dependencies (waitForDependencies) starts once
//   they are Ready; the others start at once.
// - Readiness: the plan's probe (HTTP GET or TCP connect), polled quickly until the first
//   success, then every probe period.
// - Crashes: a child that exits is restarted with exponential backoff (1 s … 30 s).
// - Logs: stdout and stderr of each child are appended to one file per workload.
// - Apply: a new manifest set restarts only workloads whose plan fingerprint changed, starts
//   new ones and stops removed ones; ports stay with their workload, so endpoints are stable.
// - Children run in their own process group and die with the supervisor (PDEATHSIG), so
//   nothing outlives it.
//
// Thread model: one io_context thread; every method runs on it (the control API's handlers
// do), so the state needs no lock.
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/manifest.hpp"
#include "control/local/secrets.hpp"
#include "control/local/state_dir.hpp"
#include "core/json.hpp"
#include "net/client.hpp"
#include "net/process.hpp"
#include "plan/plan.hpp"

namespace kaos::local {

struct SupervisorOptions {
  StateDir state = StateDir::resolve();
  std::string kaos_binary;  ///< substituted for a plan's "kaos" argv[0]
  std::string bind_host = "127.0.0.1";
  std::chrono::milliseconds stop_grace{5'000};
};

struct WorkloadEvent {
  std::string timestamp;
  std::string type;  ///< Started, Ready, NotReady, Exited, Restarting, Failed, Stopped, Configured
  std::string message;
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

  /// Validates every source and applies the set. `prune`: resources missing from the set are
  /// stopped (kaos up); otherwise they stay (kaos apply).
  ApplyResult apply(const std::vector<std::pair<std::string, std::string>>& sources, bool prune);
  /// Removes the given resources ({kind lower, namespace, name}); returns the ids removed.
  std::vector<std::string> remove(const std::vector<plan::WorkloadRef>& refs);
  /// Stops every workload (SIGTERM, then SIGKILL after the grace); completes when all exited.
  net::Task<void> stop_all();

  /// Status of every workload, ModelAPIs, MCPServers, then Agents.
  json::array status() const;
  /// One workload's status, spec, plan summary and recent events; nullopt when unknown.
  std::optional<json::object> describe(const std::string& id) const;
  /// Completes on the next status change anywhere (for waiters such as `kaos up`).
  net::Task<void> wait_change();

  const SupervisorOptions& options() const { return options_; }

 private:
  struct Running;
  json::object status_json(const Running& r) const;
  void set_phase(Running& r, std::string phase, bool ready, std::string message);
  void event(Running& r, std::string type, std::string message);
  void notify();
  std::uint16_t port_for(const std::string& id);
  void start(const std::string& id);
  void stop(const std::string& id, bool erase);
  net::Task<void> manage(std::shared_ptr<Running> r, std::uint64_t generation);
  net::Task<bool> dependencies_ready(Running& r, std::uint64_t generation);
  net::Task<bool> probe(const plan::ProbePlan& p, std::uint16_t port);
  net::Task<void> pump_stdout(std::shared_ptr<Running> r, std::shared_ptr<net::Process> proc);
  bool current(const Running& r, std::uint64_t generation) const;

  net::Executor executor_;
  SupervisorOptions options_;
  SecretStore secrets_;
  net::HttpClient http_;
  std::vector<api::Resource> resources_;
  std::map<std::string, std::shared_ptr<Running>> workloads_;
  std::map<std::string, std::uint16_t> ports_;
  std::shared_ptr<boost::asio::steady_timer> changed_;
};

}  // namespace kaos::local
