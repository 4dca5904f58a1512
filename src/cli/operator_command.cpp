// `kaos operator`: the Kubernetes controller manager (src/control/operator/manager.hpp).
#include <unistd.h>

#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "cli/command.hpp"
#include "control/operator/manager.hpp"
#include "core/duration.hpp"
#include "core/env.hpp"
#include "core/log.hpp"

namespace kaos::cli {

namespace {

std::vector<std::string> split_csv(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

struct OperatorFlags {
  control::operator_::ManagerOptions options;
  std::string namespaces;
  std::string lease_duration = "15s";
  std::string renew_deadline = "10s";
  std::string retry_period = "2s";
};

// A duration flag: "15s", "500ms". Errors name the flag.
bool read_duration(const std::string& flag, const std::string& text, std::chrono::milliseconds& out) {
  auto d = parse_duration(text);
  if (!d || d->count() <= 0) {
    std::cerr << "kaos operator: " << flag << " " << text << ": expected a positive duration such as 15s or 500ms\n";
    return false;
  }
  out = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  return true;
}

int run(OperatorFlags& f) {
  auto& o = f.options;
  o.namespaces = split_csv(f.namespaces);
  if (o.workers < 1) {
    std::cerr << "kaos operator: --workers must be at least 1\n";
    return 2;
  }
  if (!read_duration("--lease-duration", f.lease_duration, o.lease_duration) ||
      !read_duration("--renew-deadline", f.renew_deadline, o.renew_deadline) ||
      !read_duration("--retry-period", f.retry_period, o.retry_period))
    return 2;
  if (o.renew_deadline >= o.lease_duration || o.retry_period >= o.renew_deadline) {
    std::cerr << "kaos operator: need --retry-period < --renew-deadline < --lease-duration\n";
    return 2;
  }
  // LOG_LEVEL and LOG_FORMAT, as every other role of the binary reads them (stderr, text or JSON).
  auto log_settings = log_settings_from_env();
  if (!log_settings) {
    std::cerr << "kaos operator: " << log_settings.error().message << "\n";
    return 1;
  }
  init_logging(*log_settings, "operator");
  o.env = environment_map();
  return control::operator_::run_operator(o);
}

}  // namespace

void add_operator_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<OperatorFlags>();
  auto& o = flags->options;
  auto* cmd = app.add_subcommand("operator", "Run the Kubernetes operator (controller manager)");
  cmd->description(
      "Run the KAOS operator: the ModelAPI, MCPServer and Agent controllers. Each resource becomes a\n"
      "Deployment (and Service, ConfigMap, HTTPRoute) rendered from the same plan as 'kaos up' and\n"
      "'kaos render'; status is written through /status. In a pod it uses the service account\n"
      "(in-cluster); elsewhere --kubeconfig, $KUBECONFIG or ~/.kube/config.\n"
      "\n"
      "Configuration comes from the environment, as KAOS's kaos-operator-config ConfigMap sets it:\n"
      "SYSTEM_NAMESPACE, DEFAULT_AGENT_IMAGE, DEFAULT_OLLAMA_IMAGE, DEFAULT_LOG_LEVEL,\n"
      "DEFAULT_TELEMETRY_ENABLED/_ENDPOINT, GATEWAY_API_ENABLED, GATEWAY_NAME, GATEWAY_NAMESPACE,\n"
      "GATEWAY_DEFAULT_AGENT_TIMEOUT/_MODELAPI_TIMEOUT/_MCP_TIMEOUT (docs/operator.md). LOG_LEVEL and\n"
      "LOG_FORMAT set the operator's own logging, as for every role.\n"
      "\n"
      "Serves /healthz and /readyz on --health-probe-bind-address and /metrics on\n"
      "--metrics-bind-address. SIGTERM stops reconciling and releases the leader Lease. Losing the\n"
      "Lease exits 1 so the restarted pod rejoins the election.");
  cmd->add_option("--kubeconfig", o.kubeconfig,
                  "Kubeconfig file(s), ':'-separated (default: $KUBECONFIG, ~/.kube/config, in-cluster)");
  cmd->add_option("--context", o.context, "Kubeconfig context (default: its current-context)");
  cmd->add_option("--namespaces", flags->namespaces, "Watch only these namespaces, comma-separated (default: all)");
  cmd->add_option("--workers", o.workers, "Concurrent reconciles")->capture_default_str();
  cmd->add_flag("--leader-elect", o.leader_elect,
                "Take the Lease kaos-operator.kaos.tools before reconciling, so one of several replicas leads");
  cmd->add_option("--leader-election-namespace", o.lease_namespace,
                  "Namespace of the Lease (default: SYSTEM_NAMESPACE, else 'kaos')");
  cmd->add_option("--health-probe-bind-address", o.health_address, "host:port for /healthz and /readyz")
      ->capture_default_str();
  cmd->add_option("--metrics-bind-address", o.metrics_address,
                  "host:port for /metrics; the probe address serves both; 0 disables")
      ->capture_default_str();
  cmd->add_option(
      "--identity", o.identity,
      "This replica's name in the Lease and events (default: $POD_NAME or host name, plus a random suffix)");
  cmd->add_option("--lease-duration", flags->lease_duration, "How long a Lease is valid without renewal")
      ->capture_default_str();
  cmd->add_option("--renew-deadline", flags->renew_deadline, "The leader gives up after failing to renew this long")
      ->capture_default_str();
  cmd->add_option("--retry-period", flags->retry_period, "Between attempts to take or renew the Lease")
      ->capture_default_str();
  cmd->callback([flags, &ctx] { ctx.exit_code = run(*flags); });
}

}  // namespace kaos::cli
