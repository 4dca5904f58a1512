#pragma once
// Helpers of the commands that drive the local runtime (up, apply, down, delete, status, get,
// describe, logs): starting the supervisor process, waiting for workloads, printing status.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "control/local/control_client.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos::cli {

/// This program's path (the supervisor and its workloads run it).
std::string self_executable();

/// Starts `kaos __supervisor` in the background (detached: own session, survives this
/// terminal) or as this process's child, its output in the state dir's supervisor.log, and
/// waits until its control API is recorded. Returns its pid.
Result<int> start_supervisor(const local::StateDir& state, bool detach, std::chrono::milliseconds timeout);

/// Posts the manifests; prints each action (created/configured/unchanged/deleted) or every
/// error. False when the runtime refused the set.
bool apply_sources(local::ControlClient& client, const std::vector<std::pair<std::string, std::string>>& sources,
                   bool prune);

/// Polls the status until every workload is Ready or Failed (or Waiting for something that
/// is not in the set), printing phase changes as they happen. False on timeout or when some
/// workload failed.
bool wait_settled(local::ControlClient& client, std::chrono::milliseconds timeout);

/// The resources table (KIND NAME NAMESPACE PHASE READY ENDPOINT [RESTARTS PID] MESSAGE).
void print_status_table(const std::vector<protocol::kaos::ResourceStatus>& resources, bool wide);

}  // namespace kaos::cli
