#pragma once
// The agentic loop (KAOS-REFERENCE §2.6) as a small state machine over a RunContext:
//
//   prepare → request model ─┬─ text answer, model error, limit reached → record
//                 ↑          └─ tool calls → dispatch tools ─┐
//                 └──────────────────────────────────────────┘ (→ record when a limit stopped a call)
//
// Usage limits (usage.hpp) are asked before each model request and each tool call: the step
// limit of AGENTIC_LOOP_MAX_STEPS for every run, the budgets of an autonomous task for its
// runs. Tool calls of one response run concurrently; failures go back to the model as the
// tool's result. The run's events are written to memory in one append at the end (one round
// trip to Redis per run).
//
// Cancellation: the run is a coroutine; cancelling it (client gone, CancelTask) aborts the
// model or tool call in flight, and nothing is written to memory after that point.
#include <memory>
#include <string>

#include "servers/agent/config.hpp"
#include "servers/agent/memory/memory.hpp"
#include "servers/agent/metrics.hpp"
#include "servers/agent/model.hpp"
#include "servers/agent/run_context.hpp"
#include "servers/agent/toolset.hpp"
#include "servers/agent/usage.hpp"

namespace kaos::agent {

struct RunRequest {
  std::string session_id;
  std::string prompt;
  bool delegated = false;         ///< the prompt is an inbound delegation (task-delegation role)
  json::array inbound_context;    ///< [{role, content}] sent by a delegating agent
  net::Headers outbound_headers;  ///< sent on every model, tool and peer call (traceparent, ...)
  int delegation_depth = 0;       ///< of this request; peers get depth + 1
  ProgressSink on_progress;       ///< optional
  /// The model conversation to use; null → a fresh one (mock responses restart). The
  /// autonomous loop passes one session for all its iterations, as KAOS does.
  ModelSession* model_session = nullptr;
  /// The usage to count into and the limits to check; null → the run's own usage and the
  /// agent's run limits (AGENTIC_LOOP_MAX_STEPS). An autonomous task passes one Usage for all
  /// its iterations and limits carrying its budgets. Both must outlive the run.
  Usage* usage = nullptr;
  const UsageLimits* limits = nullptr;
};

class AgentLoop {
 public:
  AgentLoop(const AgentConfig& config, Model& model, CombinedToolset& tools, Memory& memory, AgentMetrics& metrics);
  net::Task<RunResult> run(RunRequest request);
  /// A model conversation that outlives one run (the autonomous loop's).
  std::unique_ptr<ModelSession> new_model_session() { return model_.session(); }
  /// The limits of a run nobody gave other limits: the step limit only.
  const UsageLimits& run_limits() const { return run_limits_; }

  /// The conversation replayed before a prompt: the last MEMORY_CONTEXT_LIMIT user/agent turns.
  static json::array history_messages(const std::vector<MemoryEvent>& events, std::size_t limit);

 private:
  using ToolCalls = std::vector<clients::openai::ToolCall>;
  // The steps, in order. Each reads and extends the context.
  net::Task<void> prepare(RunContext& ctx, RunRequest& req);
  /// The next reply when it asks for tools; nullopt when the run is over (answered, failed or
  /// stopped by a limit: ctx.result says which).
  net::Task<std::optional<ModelReply>> request_model(RunContext& ctx);
  /// Runs the calls the limits allow; a call they refuse ends the run (ctx.result.limit).
  net::Task<void> dispatch_tools(RunContext& ctx, const ModelReply& reply);
  net::Task<void> record(RunContext& ctx);

  // Parts of dispatch_tools.
  /// Announces and logs the first `allowed` calls; their catalogue entries (null: unknown tool).
  net::Task<std::vector<const ToolEntry*>> announce_calls(RunContext& ctx, const ModelReply& reply,
                                                          std::size_t allowed);
  net::Task<std::vector<ToolOutcome>> run_calls(const RunContext& ctx, const ToolCalls& calls,
                                                const std::vector<const ToolEntry*>& entries);
  net::Task<json::array> history(const std::string& session_id);

  const AgentConfig& config_;
  Model& model_;
  CombinedToolset& tools_;
  Memory& memory_;
  AgentMetrics& metrics_;
  UsageLimits run_limits_;
};

}  // namespace kaos::agent
