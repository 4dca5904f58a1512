#pragma once
// `kaos operator`: the controller manager. It loads the cluster configuration (kubeconfig or
// in-cluster) and KAOS's operator environment, serves /healthz and /readyz (and /metrics),
// optionally takes the leader Lease, runs the controllers, and on SIGTERM stops them and gives
// the Lease up. Losing the Lease stops reconciling at once and exits 1 (a restart rejoins the
// election), as controller-runtime does.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace kaos::control::operator_ {

struct ManagerOptions {
  std::string kubeconfig;  ///< --kubeconfig (paths separated by ':'); empty: $KUBECONFIG, ~/.kube/config, in-cluster
  std::string context;     ///< --context
  std::vector<std::string> namespaces;  ///< --namespaces; empty: all
  int workers = 4;
  bool leader_elect = false;
  std::string health_address = ":8081";   ///< host:port; ":8081" is every interface
  std::string metrics_address = ":8080";  ///< "0" disables; the same as health_address serves both on one port
  /// The Lease's namespace; empty: SYSTEM_NAMESPACE's value, else the config's namespace.
  std::string lease_namespace;
  std::chrono::milliseconds lease_duration{15'000};
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  /// This instance's identity in the Lease and in events; empty: $POD_NAME or the host name,
  /// plus a random suffix.
  std::string identity;
  /// The operator's environment (KAOS's kaos-operator-config keys).
  std::map<std::string, std::string> env;
};

/// Runs until SIGINT/SIGTERM (exit 0) or a fatal error (exit 1, logged).
int run_operator(const ManagerOptions& options);

/// "host:port" or ":port" → (host, port); host defaults to 0.0.0.0. Errors name the flag.
struct BindAddress {
  std::string host;
  unsigned short port = 0;
};
bool parse_bind_address(const std::string& text, BindAddress& out);

}  // namespace kaos::control::operator_
