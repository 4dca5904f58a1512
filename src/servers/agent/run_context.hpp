#pragma once
// One run of the agent loop as its steps see it (pydantic-ai's RunContext): what the run is for,
// its dependencies (model conversation, tool catalogue), its usage and limits, and the state the
// steps build up (the conversation, the events to record, the result). Every step of AgentLoop
// and every tool call receives it; tools read it (headers, depth, recent turns) and never change
// it.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "net/http.hpp"
#include "net/task.hpp"
#include "servers/agent/memory/memory.hpp"
#include "servers/agent/model.hpp"
#include "servers/agent/usage.hpp"

namespace kaos::agent {

struct ToolCatalog;

/// One streamed progress notice (§2.3): before a model response's tool calls run.
struct ProgressEvent {
  int step = 0;
  int max_steps = 0;
  std::string action;  ///< "tool_call" or "delegate"
  std::string target;  ///< tool name, or the peer name without "delegate_to_"
};
using ProgressSink = std::function<net::Task<void>(const ProgressEvent&)>;

struct RunResult {
  std::string text;  ///< the answer, "Sorry, I encountered an error: ..." when failed, or the limit's message
  bool failed = false;
  std::string error;                  ///< set when failed
  std::optional<LimitReached> limit;  ///< set when a usage limit ended the run
  int steps = 0;                      ///< model requests made
  int tool_calls = 0;
};

struct RunContext {
  // What the run is for.
  std::string session_id;
  net::Headers outbound_headers;  ///< sent on every model, tool and peer call (traceparent, ...)
  int delegation_depth = 0;       ///< of this request; peers get depth + 1
  ProgressSink on_progress;       ///< optional

  // Dependencies.
  ModelSession* model = nullptr;  ///< the conversation with the model (the caller's or own_model)
  std::shared_ptr<const ToolCatalog> tools;

  // Usage: the caller's (an autonomous task's, shared by its runs) or own_usage.
  Usage* usage = nullptr;
  const UsageLimits* limits = nullptr;

  // What the steps build up.
  json::array messages;          ///< the conversation sent to the model
  json::array recent_context;    ///< what a delegation forwards: the recent turns and this prompt
  std::vector<MemoryEvent> log;  ///< written to memory in one append when the run ends
  int tool_steps = 0;            ///< model responses that asked for tools (progress's `step`)
  RunResult result;

  std::unique_ptr<ModelSession> own_model;
  Usage own_usage;
};

}  // namespace kaos::agent
