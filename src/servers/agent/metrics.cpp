#include "servers/agent/metrics.hpp"

namespace kaos::agent {

AgentMetrics::AgentMetrics(telemetry::Registry& r)
    : requests(r.counter("kaos_agent_requests_total", "HTTP requests by endpoint and status", {"endpoint", "status"})),
      request_seconds(r.histogram("kaos_agent_request_duration_seconds", "HTTP request latency", {"endpoint"})),
      active_runs(r.gauge("kaos_agent_active_runs", "Agent runs in progress")),
      runs(r.counter("kaos_agent_runs_total",
                     "Agent runs ended, by outcome: completed, failed (a model request failed), limited (a usage "
                     "limit stopped it)",
                     {"outcome"})),
      loop_steps(r.counter("kaos_agent_loop_steps_total", "Model requests made by the agentic loop")),
      model_calls(r.counter("kaos_agent_model_calls_total", "Model calls by model and outcome", {"model", "outcome"})),
      model_seconds(r.histogram("kaos_agent_model_call_duration_seconds", "Model call latency", {"model"})),
      tokens(r.counter("kaos_agent_tokens_total", "Tokens reported by the model's usage", {"model", "direction"})),
      tool_calls(r.counter("kaos_agent_tool_calls_total", "Tool calls by tool and outcome", {"tool", "outcome"})),
      tool_seconds(r.histogram("kaos_agent_tool_call_duration_seconds", "Tool call latency", {"tool"})),
      delegations(r.counter("kaos_agent_delegations_total", "Delegations to peer agents", {"target", "success"})),
      delegation_seconds(r.histogram("kaos_agent_delegation_duration_seconds", "Delegation latency", {"target"})),
      memory_errors(
          r.counter("kaos_agent_memory_errors_total", "Memory backend failures (memory degraded)", {"operation"})),
      tasks(r.counter("kaos_agent_tasks_total", "A2A tasks reaching a state", {"state", "autonomous"})) {}

}  // namespace kaos::agent
