#pragma once
// The gateway's Prometheus metrics (names in docs/modelapi.md). Updates are relaxed atomics
// plus a reader-locked child lookup; no global mutex on the request path.
#include <chrono>
#include <string_view>

#include "protocol/openai/chat.hpp"
#include "telemetry/metrics.hpp"

namespace kaos::modelapi {

class GatewayMetrics {
 public:
  GatewayMetrics();

  /// One finished request: `model` as requested ("" when unknown), final HTTP status (or 499
  /// when the client went away), the error type for failures ("" for success).
  void record_request(std::string_view model, int status, std::string_view error_type, double seconds);
  void record_usage(std::string_view model, const protocol::openai::Usage& usage);
  void record_deployment_failure(std::string_view deployment, bool cooldown_started);
  telemetry::Gauge& in_flight() { return in_flight_; }

  std::string render() const { return registry_.render_prometheus(); }
  telemetry::Registry& registry() { return registry_; }

 private:
  telemetry::Registry registry_;
  telemetry::Family<telemetry::Counter>& requests_;
  telemetry::Family<telemetry::Counter>& errors_;
  telemetry::Family<telemetry::Histogram>& latency_;
  telemetry::Family<telemetry::Counter>& input_tokens_;
  telemetry::Family<telemetry::Counter>& output_tokens_;
  telemetry::Family<telemetry::Counter>& deployment_failures_;
  telemetry::Family<telemetry::Counter>& cooldowns_;
  telemetry::Gauge& in_flight_;
};

}  // namespace kaos::modelapi
