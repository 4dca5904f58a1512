#include "servers/modelapi/gateway_metrics.hpp"

#include <array>
#include <string>

namespace kaos::modelapi {

namespace {
std::string_view status_text(int status, std::string& scratch) {
  static const std::array<std::pair<int, std::string_view>, 12> kCommon{{{200, "200"},
                                                                         {400, "400"},
                                                                         {401, "401"},
                                                                         {404, "404"},
                                                                         {413, "413"},
                                                                         {429, "429"},
                                                                         {499, "499"},
                                                                         {500, "500"},
                                                                         {502, "502"},
                                                                         {503, "503"},
                                                                         {504, "504"},
                                                                         {422, "422"}}};
  for (const auto& [code, text] : kCommon)
    if (code == status) return text;
  scratch = std::to_string(status);
  return scratch;
}
}  // namespace

GatewayMetrics::GatewayMetrics()
    : requests_(registry_.counter("kaos_modelapi_requests_total",
                                  "Requests handled, by requested model and HTTP status.", {"model", "status"})),
      errors_(registry_.counter("kaos_modelapi_request_errors_total", "Failed requests, by model and error type.",
                                {"model", "type"})),
      latency_(registry_.histogram("kaos_modelapi_request_duration_seconds",
                                   "Request latency through the gateway (streams: until the last byte).", {"model"})),
      input_tokens_(registry_.counter("kaos_modelapi_input_tokens_total", "Prompt tokens reported by upstream usage.",
                                      {"model"})),
      output_tokens_(registry_.counter("kaos_modelapi_output_tokens_total",
                                       "Completion tokens reported by upstream usage.", {"model"})),
      deployment_failures_(registry_.counter("kaos_modelapi_deployment_failures_total",
                                             "Upstream failures (connect error, timeout, 429, 5xx) per deployment.",
                                             {"deployment"})),
      cooldowns_(registry_.counter("kaos_modelapi_deployment_cooldowns_total",
                                   "Times a deployment was taken out of rotation.", {"deployment"})),
      in_flight_(registry_.gauge("kaos_modelapi_in_flight_requests", "Requests being handled.").with({})) {}

void GatewayMetrics::record_request(std::string_view model, int status, std::string_view error_type, double seconds) {
  std::string scratch;
  requests_.with({model, status_text(status, scratch)}).inc();
  if (!error_type.empty()) errors_.with({model, error_type}).inc();
  latency_.with({model}).observe(seconds);
}

void GatewayMetrics::record_usage(std::string_view model, const protocol::openai::Usage& usage) {
  if (usage.prompt_tokens > 0) input_tokens_.with({model}).inc(static_cast<std::uint64_t>(usage.prompt_tokens));
  if (usage.completion_tokens > 0)
    output_tokens_.with({model}).inc(static_cast<std::uint64_t>(usage.completion_tokens));
}

void GatewayMetrics::record_deployment_failure(std::string_view deployment, bool cooldown_started) {
  deployment_failures_.with({deployment}).inc();
  if (cooldown_started) cooldowns_.with({deployment}).inc();
}

}  // namespace kaos::modelapi
