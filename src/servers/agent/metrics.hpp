#pragma once
// The agent's Prometheus metrics (GET /metrics). Names are ours (kaos_agent_*); KAOS exports
// its figures over OTLP instead (kaos.delegations, kaos.tasks...), which telemetry export will
// map later.
#include "telemetry/metrics.hpp"

namespace kaos::agent {

struct AgentMetrics {
  explicit AgentMetrics(telemetry::Registry& r);

  telemetry::Family<telemetry::Counter>& requests;              ///< {endpoint, status}
  telemetry::Family<telemetry::Histogram>& request_seconds;     ///< {endpoint}
  telemetry::Family<telemetry::Gauge>& active_runs;             ///< {}
  telemetry::Family<telemetry::Counter>& runs;                  ///< {outcome=completed|failed|limited}
  telemetry::Family<telemetry::Counter>& loop_steps;            ///< {}
  telemetry::Family<telemetry::Counter>& model_calls;           ///< {model, outcome}
  telemetry::Family<telemetry::Histogram>& model_seconds;       ///< {model}
  telemetry::Family<telemetry::Counter>& tokens;                ///< {model, direction=input|output}
  telemetry::Family<telemetry::Counter>& tool_calls;            ///< {tool, outcome=ok|error}
  telemetry::Family<telemetry::Histogram>& tool_seconds;        ///< {tool}
  telemetry::Family<telemetry::Counter>& delegations;           ///< {target, success=true|false}
  telemetry::Family<telemetry::Histogram>& delegation_seconds;  ///< {target}
  telemetry::Family<telemetry::Counter>& memory_errors;         ///< {operation=read|write}
  telemetry::Family<telemetry::Counter>& tasks;                 ///< {state, autonomous}
};

}  // namespace kaos::agent
