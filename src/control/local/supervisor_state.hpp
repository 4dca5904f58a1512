#pragma once
// Internal to the supervisor: the state of one workload and the context of one run of it,
// shared by supervisor.cpp (apply, status) and supervisor_run.cpp (the phases of a run). Not
// part of the module's interface.
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "control/local/supervisor.hpp"

namespace kaos::local {

struct Supervisor::WorkloadState {
  explicit WorkloadState(net::Executor executor) : interrupted(std::move(executor)) {}

  plan::Workload w;
  json::value spec;
  plan::WorkloadStatus status;
  /// An agent with config.memory: KAOS's MemoryDegraded condition, reported in status.conditions.
  std::optional<plan::Condition> memory_condition;
  int pid = 0;
  std::string started_at;
  /// Bumped when a run is superseded (restart by a change, stop): the old run sees it is no
  /// longer current after each wait and ends.
  std::uint64_t generation = 0;
  /// Wakes the current run out of a pause (backoff, probe period) when it is superseded.
  net::ChangeSignal interrupted;
  std::shared_ptr<ChildProcess> child;
  std::deque<WorkloadEvent> events;
  /// The resolved env of the running process: a re-apply compares it, so a changed secret
  /// value (`kaos secret set`, a new Secret document) restarts the workload like a plan change.
  std::map<std::string, std::string> env;
};

/// What one run of a workload carries from phase to phase.
struct Supervisor::RunContext {
  std::shared_ptr<WorkloadState> state;  ///< kept alive by the run
  std::uint64_t generation = 0;          ///< the run is current while state->generation equals it
  std::string id;
  std::string log_file;
  std::string files_dir;
};

}  // namespace kaos::local
