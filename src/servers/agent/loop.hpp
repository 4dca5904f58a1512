#pragma once
// The agentic loop (KAOS-REFERENCE §2.6): model call → tool calls (run concurrently) → tool
// results → ... until the model answers in text, bounded by AGENTIC_LOOP_MAX_STEPS model
// requests. Tool failures go back to the model as the tool's result. The run's events are
// written to memory in one append at the end (one round trip to Redis per run).
//
// Cancellation: the run is a coroutine; cancelling it (client gone, CancelTask) aborts the
// model or tool call in flight, and nothing is written to memory after that point.
#include <functional>
#include <string>

#include "servers/agent/config.hpp"
#include "servers/agent/memory/memory.hpp"
#include "servers/agent/metrics.hpp"
#include "servers/agent/model.hpp"
#include "servers/agent/toolbox.hpp"

namespace kaos::agent {

/// One streamed progress notice (§2.3): before a model response's tool calls run.
struct ProgressEvent {
  int step = 0;
  int max_steps = 0;
  std::string action;  ///< "tool_call" or "delegate"
  std::string target;  ///< tool name, or the peer name without "delegate_to_"
};
using ProgressSink = std::function<net::Task<void>(const ProgressEvent&)>;

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
};

struct RunResult {
  std::string text;  ///< the answer, or "Sorry, I encountered an error: ..." when failed
  bool failed = false;
  std::string error;  ///< set when failed
  int steps = 0;      ///< model requests made
  int tool_calls = 0;
};

class AgentLoop {
 public:
  AgentLoop(const AgentConfig& config, Model& model, ToolBox& tools, Memory& memory, AgentMetrics& metrics);
  net::Task<RunResult> run(RunRequest request);
  /// A model conversation that outlives one run (the autonomous loop's).
  std::unique_ptr<ModelSession> new_model_session() { return model_.session(); }

  /// The conversation replayed before a prompt: the last MEMORY_CONTEXT_LIMIT user/agent turns.
  static json::array history_messages(const std::vector<MemoryEvent>& events, std::size_t limit);

 private:
  const AgentConfig& config_;
  Model& model_;
  ToolBox& tools_;
  Memory& memory_;
  AgentMetrics& metrics_;
};

}  // namespace kaos::agent
