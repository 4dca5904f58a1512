// MemoryStore → workload, and KAOS's rules for the agents bound to one (agent_controller.go:
// the first start waits for the store, the MemoryDegraded condition reports it).
//
// KAOS's memory service is a separate program shipped as an image (mem0 with a vector
// store); we have no local implementation of it yet, so the workload says so and runs
// nothing. An agent bound to it waits (waitForDependencies, KAOS's gate on the first
// Deployment) or, without waiting, runs on its own short-term memory with MemoryDegraded.
#include "plan/internal.hpp"

namespace kaos::plan {

namespace detail {

Workload plan_memorystore(const api::MemoryStore& m, const PlanOptions& options) {
  Workload w;
  w.ref = {"MemoryStore", m.metadata.namespace_, m.metadata.name};
  w.role = "memorystore";
  // KAOS's memorystore controller: container `memory` on 8080, /healthz and /readyz.
  w.liveness = {ProbePlan::Type::http, "/healthz", 10, 15, 5, 3};
  w.readiness = {ProbePlan::Type::http, "/readyz", 5, 10, 5, 3};
  if (options.runs_images) {
    w.failure =
        "MemoryStores are not run by the kaos operator yet (KAOS runs its memory service from "
        "DEFAULT_MEMORY_SERVICE_IMAGE). Agents bound to it wait for it; with waitForDependencies: false they run on "
        "their own short-term memory and report the MemoryDegraded condition";
    return w;
  }
  w.failure =
      "MemoryStores have no local implementation yet: kaos up does not run KAOS's memory service (a cluster runs it "
      "from its image). Agents bound to it wait for it; with waitForDependencies: false they run on their own "
      "short-term memory and report the MemoryDegraded condition";
  return w;
}

}  // namespace detail

std::optional<Condition> memory_degraded_condition(const Workload& agent, std::optional<Phase> store_phase) {
  if (!agent.memory) return std::nullopt;
  Condition c;
  c.type = std::string(kConditionMemoryDegraded);
  const std::string& store = agent.memory->store;
  if (store.empty()) {
    c.status = "False";
    c.reason = "MemoryHealthy";
    c.message = "Memory is healthy";
  } else if (store_phase == Phase::Ready) {
    c.status = "False";
    c.reason = "MemoryHealthy";
    c.message = "MemoryStore " + store + " is ready";
  } else {
    c.status = "True";
    c.reason = "MemoryStoreNotReady";
    c.message = "MemoryStore " + store + (store_phase ? " is not ready" : " not found");
  }
  return c;
}

}  // namespace kaos::plan
