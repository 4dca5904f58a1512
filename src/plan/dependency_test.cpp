#include <gtest/gtest.h>

#include "plan/plan.hpp"

namespace kaos::plan {
namespace {

Workload agent_needing(std::vector<WorkloadRef> deps, bool wait = true) {
  Workload w;
  w.ref = {"Agent", "ns", "a"};
  w.dependencies = std::move(deps);
  w.wait_for_dependencies = wait;
  return w;
}

TEST(FirstUnreadyDependency, FollowsKaosWaitingMessagesInDependencyOrder) {
  const WorkloadRef llm{"ModelAPI", "ns", "llm"};
  const WorkloadRef calc{"MCPServer", "ns", "calc"};
  auto w = agent_needing({llm, calc});
  std::map<std::string, WorkloadStatus> known;
  auto status_of = [&](const WorkloadRef& r) -> std::optional<WorkloadStatus> {
    auto it = known.find(r.id());
    if (it == known.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_EQ(first_unready_dependency(w, status_of),
            (DependencyBlocker{"ModelAPI llm not found", std::string(kReasonDependencyNotFound)}));
  known[llm.id()] = WorkloadStatus{.phase = Phase::Pending};
  EXPECT_EQ(first_unready_dependency(w, status_of),
            (DependencyBlocker{"ModelAPI llm is not ready", std::string(kReasonDependencyNotReady)}));
  known[llm.id()] = WorkloadStatus{.phase = Phase::Ready, .ready = true};
  known[calc.id()] = WorkloadStatus{.phase = Phase::Failed};
  EXPECT_EQ(first_unready_dependency(w, status_of),
            (DependencyBlocker{"MCPServer calc failed", std::string(kReasonDependencyFailed)}));
  known[calc.id()] = WorkloadStatus{.phase = Phase::Ready, .ready = true};
  EXPECT_EQ(first_unready_dependency(w, status_of), std::nullopt);
  known.clear();
  EXPECT_EQ(first_unready_dependency(agent_needing({llm}, false), status_of), std::nullopt)
      << "waitForDependencies: false never waits";
}

}  // namespace
}  // namespace kaos::plan
