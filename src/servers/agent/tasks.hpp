#pragma once
// A2A tasks (KAOS-REFERENCE §2.5, §2.10): the task store, state transitions with their events,
// and execution. Every task runs through one driver (drive): iterations of the agent loop over
// one model conversation and one Usage, pauses, cancellation. What differs between the kinds of
// task is a Plan — the prompt, the usage limits, the completion rule:
// - interactive (the request waits): one iteration; it completes with the answer or fails;
// - async autonomous: its budgets are usage limits the loop checks (exhausted → event
//   autonomous.budget.exhausted, completed); completes when an iteration makes no tool call;
// - continuous (AUTONOMOUS_GOAL, started at boot): a per-iteration timeout, failures logged,
//   never completes.
//
// Thread model: the agent server runs one io_context thread; every method is called on it,
// so the store needs no lock. Each running task is a coroutine bound to its own cancellation
// signal: CancelTask emits it and the run stops mid-call.
#include <boost/asio/cancellation_signal.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/a2a/a2a.hpp"
#include "servers/agent/config.hpp"
#include "servers/agent/loop.hpp"
#include "servers/agent/metrics.hpp"
#include "servers/agent/usage.hpp"

namespace kaos::agent {

namespace a2a = protocol::a2a;

struct TaskStoreOptions {
  bool enabled = true;  ///< TASK_STORE_TYPE=null: tasks run but are not kept
  std::size_t max_tasks = 10'000;
  /// Bytes of kept tasks (task_bytes()); beyond it the oldest finished tasks go (TASK_STORE_MAX_BYTES).
  std::size_t max_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds continuous_min_interval{100};  ///< floor between AUTONOMOUS_GOAL iterations
};

/// What a task holds in memory, roughly: its texts plus a fixed cost per message and event.
std::size_t task_bytes(const a2a::Task& t);

class TaskManager {
 public:
  TaskManager(net::Executor executor, const AgentConfig& config, AgentLoop& loop, AgentMetrics& metrics,
              TaskStoreOptions options);
  ~TaskManager();

  /// Creates a task for `params` and schedules its run, which begins only after the caller's
  /// current step (it is posted, never run inline). Returns the task as created: `submitted`
  /// with the event task.submitted; an autonomous task is already `working` ("Autonomous
  /// execution started", events task.submitted, task.working), as KAOS answers it. Interactive
  /// tasks are awaited by the caller (wait_done()) unless it asked not to block.
  a2a::Task submit(const a2a::SendParams& params, net::Headers outbound_headers, int delegation_depth);
  /// Starts the continuous autonomous loop for AUTONOMOUS_GOAL (a task in state working).
  std::string start_continuous(const std::string& goal);

  /// A copy of the task; nullopt when unknown (or when the store is disabled).
  std::optional<a2a::Task> get(const std::string& id) const;
  /// Newest first by status timestamp, filtered by context/state, at most `limit`; `total`
  /// (optional) receives how many matched before the limit.
  std::vector<a2a::Task> list(const std::string& context_id, std::optional<a2a::TaskState> state, std::size_t limit,
                              std::size_t* total = nullptr) const;
  /// Cancels a running task (terminal tasks are left unchanged). False when unknown.
  bool cancel(const std::string& id);

  /// Waits until the task changes (any transition or new output) or `id` is gone.
  net::Task<void> wait_change(const std::string& id);
  /// Waits until the task is in a terminal state (or input-required) and returns it; nullopt
  /// for an unknown id. Works with the store disabled too (the waiter holds the task).
  net::Task<std::optional<a2a::Task>> wait_done(const std::string& id);

  /// Stops every running task (server shutdown).
  void stop_all();

 private:
  struct Entry;
  Entry* find(const std::string& id) const;
  /// Moves the task to `to` with the status message `message` (KAOS's: "Processing", "Done",
  /// "Canceled by request", the error ...) and records the event task.<state>.
  void transition(Entry& e, a2a::TaskState to, std::string message = {});
  void event(Entry& e, std::string type, json::object data);
  /// The output becomes the agent's history message; the task completes.
  void complete(Entry& e);
  void notify(Entry& e);
  void evict_if_full();
  void launch(std::shared_ptr<Entry> e, net::Task<void> work);

  /// What an iteration's result means for the task.
  enum class Next { again, complete, fail };
  struct Plan;
  net::Task<void> drive(std::shared_ptr<Entry> e, Plan plan);
  /// One iteration; nullopt when it timed out.
  net::Task<std::optional<RunResult>> run_iteration(RunRequest r, std::chrono::seconds timeout, std::int64_t iteration);
  // The plans.
  net::Task<void> run_interactive(std::shared_ptr<Entry> e, net::Headers headers, int depth);
  Plan autonomous_plan(const a2a::Budgets& budgets, net::Headers headers, int depth);
  Plan continuous_plan();

  net::Executor executor_;
  const AgentConfig& config_;
  AgentLoop& loop_;
  AgentMetrics& metrics_;
  TaskStoreOptions options_;
  std::map<std::string, std::shared_ptr<Entry>> tasks_;
  std::deque<std::string> order_;  ///< creation order, for eviction
};

}  // namespace kaos::agent
