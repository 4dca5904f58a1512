#include "servers/agent/usage.hpp"

#include <fmt/format.h>

namespace kaos::agent {

namespace {
LimitReached reached(std::string_view reason, std::int64_t limit, std::string_view counter, std::int64_t count) {
  LimitReached r;
  r.reason = reason;
  r.limit = limit;
  r.data[counter] = count;
  return r;
}
}  // namespace

std::string LimitReached::message() const {
  if (per_run) return fmt::format("Reached maximum reasoning steps ({})", limit);
  return fmt::format("Budget exhausted: {} ({}) reached", reason, limit);
}

std::optional<LimitReached> UsageLimits::runtime(const Usage& usage, Usage::Clock::time_point now) const {
  if (max_runtime_seconds <= 0) return std::nullopt;
  auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - usage.started).count();
  if (elapsed < max_runtime_seconds) return std::nullopt;
  return reached("max_runtime_seconds", max_runtime_seconds, "elapsed", elapsed);
}

std::optional<LimitReached> UsageLimits::tool_calls(const Usage& usage) const {
  if (max_tool_calls <= 0 || usage.tool_calls < max_tool_calls) return std::nullopt;
  return reached("max_tool_calls", max_tool_calls, "total_tool_calls", usage.tool_calls);
}

std::optional<LimitReached> UsageLimits::before_model_request(const Usage& usage, Usage::Clock::time_point now) const {
  const bool run_starts = usage.run_requests == 0;
  if (max_steps > 0 && usage.run_requests >= max_steps) {
    auto r = reached("max_steps", max_steps, "steps", usage.run_requests);
    r.per_run = true;
    return r;
  }
  // KAOS's order: iterations, wall time, tool calls.
  if (run_starts && max_iterations > 0 && usage.runs >= max_iterations)
    return reached("max_iterations", max_iterations, "iterations", usage.runs);
  if (auto r = runtime(usage, now)) return r;
  if (run_starts)
    if (auto r = tool_calls(usage)) return r;
  if (max_total_tokens > 0 && usage.total_tokens() >= max_total_tokens)
    return reached("max_total_tokens", max_total_tokens, "total_tokens", usage.total_tokens());
  return std::nullopt;
}

std::optional<LimitReached> UsageLimits::before_run(const Usage& usage, Usage::Clock::time_point now) const {
  Usage next = usage;
  next.run_requests = 0;  // as the loop resets it when a run starts
  return before_model_request(next, now);
}

std::optional<LimitReached> UsageLimits::before_tool_call(const Usage& usage, Usage::Clock::time_point now) const {
  if (auto r = runtime(usage, now)) return r;
  return tool_calls(usage);
}

}  // namespace kaos::agent
