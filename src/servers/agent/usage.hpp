#pragma once
// What a run has used and how much it may use (pydantic-ai's Usage and UsageLimits). The loop
// asks the limits before each model request and each tool call — the one place where both the
// step limit of every run (AGENTIC_LOOP_MAX_STEPS) and the budgets of an autonomous task
// (KAOS-REFERENCE §2.10: max_iterations, max_runtime_seconds, max_tool_calls) are checked.
//
// An autonomous task's runs (its iterations) share one Usage, so its budgets count across them;
// every other run has a Usage of its own.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"

namespace kaos::agent {

struct Usage {
  using Clock = std::chrono::steady_clock;
  Clock::time_point started = Clock::now();  ///< the wall-time budget counts from here
  std::int64_t runs = 0;                     ///< runs that made a model request (iterations)
  std::int64_t requests = 0;                 ///< model requests, all runs
  std::int64_t run_requests = 0;             ///< model requests of the current run (its steps)
  std::int64_t tool_calls = 0;               ///< tool calls started, all runs
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;

  std::int64_t total_tokens() const { return input_tokens + output_tokens; }
};

/// Why a run stopped before the model answered.
struct LimitReached {
  std::string_view reason;  ///< the limit's name: max_steps, max_iterations, max_runtime_seconds, ...
  std::int64_t limit = 0;
  /// The count that reached it, as the `autonomous.budget.exhausted` event reports it:
  /// {"iterations"}, {"elapsed"} (seconds), {"total_tool_calls"} or {"total_tokens"}.
  json::object data;
  /// max_steps bounds one run: the run ends, a later run of the same Usage may go on. Every
  /// other limit bounds the Usage: no later run may start either.
  bool per_run = false;

  /// "Reached maximum reasoning steps (N)" for max_steps (KAOS's text, the run's answer);
  /// "Budget exhausted: <reason> (<limit>) reached" for the others (KAOS's task output).
  std::string message() const;
};

/// 0 means unlimited, for every field.
struct UsageLimits {
  int max_steps = 0;                     ///< model requests per run (AGENTIC_LOOP_MAX_STEPS)
  std::int64_t max_iterations = 0;       ///< runs per Usage (an autonomous task's iterations)
  std::int64_t max_runtime_seconds = 0;  ///< wall time since Usage::started
  std::int64_t max_tool_calls = 0;       ///< tool calls per Usage
  std::int64_t max_total_tokens = 0;     ///< input + output tokens per Usage

  /// Before a model request. The run-start budgets (iterations, tool calls) are checked when a
  /// run is about to make its first request — as KAOS checks them before each iteration, so a
  /// run that used the last tool call still gets to answer with its result.
  std::optional<LimitReached> before_model_request(const Usage& usage,
                                                   Usage::Clock::time_point now = Usage::Clock::now()) const;
  /// Whether another run of `usage` may start: the limit that forbids its first model request
  /// (what before_model_request will answer then), nullopt when it may.
  std::optional<LimitReached> before_run(const Usage& usage, Usage::Clock::time_point now = Usage::Clock::now()) const;
  /// Before one tool call (`usage.tool_calls` counts the calls already started).
  std::optional<LimitReached> before_tool_call(const Usage& usage,
                                               Usage::Clock::time_point now = Usage::Clock::now()) const;

 private:
  std::optional<LimitReached> runtime(const Usage& usage, Usage::Clock::time_point now) const;
  std::optional<LimitReached> tool_calls(const Usage& usage) const;
};

}  // namespace kaos::agent
