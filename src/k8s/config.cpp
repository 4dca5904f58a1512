// In-cluster config and the choice between kubeconfig and in-cluster (load_config).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/env.hpp"
#include "k8s/config.hpp"

namespace kaos::k8s {
namespace fs = std::filesystem;

ConfigEnvironment ConfigEnvironment::from_process() {
  ConfigEnvironment env;
  env.kubeconfig = env_string("KUBECONFIG").value_or("");
  env.home = env_string("HOME").value_or("");
  env.service_host = env_string("KUBERNETES_SERVICE_HOST").value_or("");
  env.service_port = env_string("KUBERNETES_SERVICE_PORT").value_or("");
  return env;
}

Result<ClusterConfig> in_cluster_config(const std::string& service_host, const std::string& service_port,
                                        const std::string& root) {
  if (service_host.empty() || service_port.empty())
    return Error::not_found(
        "not running in a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset): pass "
        "--kubeconfig FILE or set KUBECONFIG");
  fs::path dir(root);
  std::error_code ec;
  if (!fs::exists(dir / "token", ec))
    return Error::not_found("in-cluster config: " + (dir / "token").string() +
                            " does not exist: mount the pod's service-account token (automountServiceAccountToken)");
  ClusterConfig config;
  bool ipv6 = service_host.find(':') != std::string::npos;
  config.server = "https://" + (ipv6 ? "[" + service_host + "]" : service_host) + ":" + service_port;
  config.auth.token_file = (dir / "token").string();
  if (fs::exists(dir / "ca.crt", ec)) config.tls.ca_file = (dir / "ca.crt").string();
  std::ifstream ns_file(dir / "namespace");
  std::string ns;
  if (ns_file && std::getline(ns_file, ns) && !ns.empty()) config.namespace_ = ns;
  config.source = "in-cluster service account (" + dir.string() + ")";
  return config;
}

Result<ClusterConfig> in_cluster_config(const ConfigEnvironment& env) {
  return in_cluster_config(env.service_host, env.service_port, env.service_account_root);
}

namespace {
std::vector<std::string> split_paths(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ':'))
    if (!item.empty()) out.push_back(item);
  return out;
}
}  // namespace

Result<ClusterConfig> load_config(const std::string& kubeconfig_flag, const std::string& context_flag,
                                  const ConfigEnvironment& env) {
  if (!kubeconfig_flag.empty()) {
    auto paths = split_paths(kubeconfig_flag);
    for (const auto& p : paths) {
      std::error_code ec;
      if (!fs::exists(p, ec))
        return Error::not_found("kubeconfig " + p + " (from --kubeconfig) does not exist: check the path");
    }
    return load_kubeconfig(paths, context_flag);
  }
  if (!env.kubeconfig.empty()) return load_kubeconfig(split_paths(env.kubeconfig), context_flag);
  if (!env.home.empty()) {
    fs::path home_config = fs::path(env.home) / ".kube" / "config";
    std::error_code ec;
    if (fs::exists(home_config, ec)) return load_kubeconfig({home_config.string()}, context_flag);
  }
  if (!context_flag.empty())
    return Error::invalid("--context " + context_flag +
                          " needs a kubeconfig, and none was found: pass --kubeconfig FILE or set KUBECONFIG");
  return in_cluster_config(env);
}

}  // namespace kaos::k8s
