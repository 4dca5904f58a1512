// `kaos install`: the operator's install manifests (CRDs, Namespace, RBAC, ConfigMaps,
// Deployment) on stdout, for `kubectl apply --server-side -f -`.
#include <algorithm>
#include <cctype>
#include <iostream>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "control/operator/install.hpp"

namespace kaos::cli {

namespace {

namespace op = control::operator_;

struct InstallFlags {
  op::InstallOptions options;
  std::string output = "yaml";
};

int run_install(InstallFlags flags) {
  auto& level = flags.options.log_level;
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::toupper(c); });
  flags.options.telemetry_enabled = !flags.options.telemetry_endpoint.empty();
  auto objects = op::render_install(flags.options);
  if (!objects) {
    std::cerr << "kaos install: " << objects.error().message << "\n";
    return 2;
  }
  print_kubernetes_objects(json::array(objects->begin(), objects->end()), flags.output);
  return 0;
}

}  // namespace

void add_install_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<InstallFlags>();
  auto& o = flags->options;
  auto* cmd = app.add_subcommand("install", "Print the manifests that install the KAOS operator on a cluster");
  cmd->description(
      "Print every object that installs the KAOS operator, in the order to apply them: the CRDs, the\n"
      "Namespace, the ServiceAccount kaos-operator, its ClusterRole and ClusterRoleBinding, a Role and\n"
      "RoleBinding for the leader-election Lease, the ConfigMaps kaos-operator-config and\n"
      "kaos-mcp-runtimes, and the Deployment kaos-operator (`kaos operator --leader-elect`). The\n"
      "install is:\n"
      "\n"
      "  kaos install | kubectl apply --server-side -f -\n"
      "\n"
      "One image (--image) runs the operator and every role it deploys: agents, MCP servers and the\n"
      "ModelAPI gateway. The Helm chart deploy/helm/kaos-operator renders the same objects.\n"
      "docs/operator.md explains each object and permission.");
  cmd->add_option("-n,--namespace", o.namespace_, "Namespace of the operator (its system namespace)")
      ->capture_default_str();
  cmd->add_option("--image", o.image, "Image of the operator and of the roles it deploys")->capture_default_str();
  cmd->add_option("--ollama-image", o.ollama_image, "Image of Hosted ModelAPIs (Ollama)")->capture_default_str();
  cmd->add_option("--log-level", o.log_level, "Default LOG_LEVEL of workloads: TRACE, DEBUG, INFO, WARNING, ERROR")
      ->capture_default_str();
  cmd->add_option("--telemetry-endpoint", o.telemetry_endpoint,
                  "Turn telemetry on for every resource that does not say otherwise, exporting to this OTLP endpoint");
  auto* gateway =
      cmd->add_flag("--gateway-api", o.gateway.enabled,
                    "Expose resources through the Gateway API (an HTTPRoute each) and grant the rules for it");
  cmd->add_option("--gateway-name", o.gateway.gateway_name, "The Gateway HTTPRoutes attach to")
      ->capture_default_str()
      ->needs(gateway);
  cmd->add_option("--gateway-namespace", o.gateway.gateway_namespace, "Its namespace (default: --namespace)")
      ->needs(gateway);
  cmd->add_option("--gateway-class", o.gateway.gateway_class_name,
                  "Also create the Gateway, of this GatewayClass (listener HTTP on port 80)")
      ->needs(gateway);
  cmd->add_option("-o,--output", flags->output, "yaml (a multi-document stream) | json (a v1 List)")
      ->check(CLI::IsMember({"yaml", "json"}))
      ->capture_default_str();
  cmd->callback([flags, &ctx] { ctx.exit_code = run_install(*flags); });
}

}  // namespace kaos::cli
