#pragma once
// Internal to the supervisor: the state of one workload, shared by supervisor.cpp (apply,
// status) and supervisor_run.cpp (running one workload). Not part of the module's interface.
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <map>
#include <memory>
#include <string>

#include "control/local/supervisor.hpp"

namespace kaos::local {

struct Supervisor::Running {
  plan::Workload w;
  json::value spec;
  std::string phase = "Pending";
  bool ready = false;
  std::string message;
  int restarts = 0;
  int pid = 0;
  std::string started_at;
  std::uint64_t generation = 0;
  std::shared_ptr<net::Process> proc;
  std::deque<WorkloadEvent> events;
  std::shared_ptr<boost::asio::steady_timer> sleeper;
  /// The resolved env of the running process: a re-apply compares it, so a changed secret
  /// value (`kaos secret set`, a new Secret document) restarts the workload like a plan change.
  std::map<std::string, std::string> env;
};

}  // namespace kaos::local
