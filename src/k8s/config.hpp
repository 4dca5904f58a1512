#pragma once
// How to reach a cluster: the server, TLS, the default namespace and how to authenticate.
// Built from kubeconfig files (merged as kubectl merges them), from a pod's service account
// (in-cluster), or by hand in tests.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "net/client.hpp"

namespace kaos::k8s {

/// A kubeconfig `users[].user.exec` credential plugin: a program the kubeconfig names, run to
/// get a token or a client certificate (client.authentication.k8s.io ExecCredential).
struct ExecPlugin {
  std::string command;  ///< a name looked up in PATH, or a path (relative ones resolved at load)
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  ///< added to the inherited environment
  /// "client.authentication.k8s.io/v1" or ".../v1beta1": sent in KUBERNETES_EXEC_INFO and
  /// required of the answer.
  std::string api_version = "client.authentication.k8s.io/v1";
  std::string install_hint;  ///< shown when the program cannot be started
  /// The plugin must answer within this; it is killed (with its process group) after.
  std::chrono::seconds timeout{10};
};

/// How requests authenticate, besides a client certificate in `ClusterConfig::tls`. At most one
/// of token, token_file, basic and exec is used, in that order of precedence.
struct AuthConfig {
  std::string token;       ///< a static bearer token
  std::string token_file;  ///< a bearer token read from this file, re-read when it changes
  std::string username;    ///< HTTP basic (with `password`)
  std::string password;
  std::optional<ExecPlugin> exec;
  bool empty() const { return token.empty() && token_file.empty() && username.empty() && !exec; }
};

struct ClusterConfig {
  std::string server;  ///< "https://host:port" (no trailing slash)
  /// verify=false for insecure-skip-tls-verify; ca/cert/key as files or PEM; server_name for
  /// tls-server-name.
  net::TlsOptions tls;
  std::string namespace_ = "default";  ///< the namespace of requests that name none
  AuthConfig auth;
  /// Where this came from, for messages: "kubeconfig /home/u/.kube/config, context kind-dev"
  /// or "in-cluster service account".
  std::string source;
};

/// What load_config consults besides its flags: the environment and the home folder. Library
/// code never reads the environment itself; `from_process()` is the one place that does, for
/// executables, and tests build one by hand.
struct ConfigEnvironment {
  std::string kubeconfig;    ///< $KUBECONFIG: paths separated by ':'
  std::string home;          ///< $HOME (for ~/.kube/config)
  std::string service_host;  ///< $KUBERNETES_SERVICE_HOST
  std::string service_port;  ///< $KUBERNETES_SERVICE_PORT
  std::string service_account_root = "/var/run/secrets/kubernetes.io/serviceaccount";
  static ConfigEnvironment from_process();
};

/// Loads and merges kubeconfig files as kubectl does: for each map entry (clusters, users,
/// contexts by name) and for current-context, the first file that sets it wins; missing files
/// are skipped, but at least one must exist. `context_override` (non-empty) replaces
/// current-context. Relative paths (certificate-authority, client-certificate, client-key,
/// tokenFile, exec command with a '/') are resolved against the folder of the file that held
/// them. Errors (kind invalid, or not_found for no file) name the file, the field and the fix.
Result<ClusterConfig> load_kubeconfig(const std::vector<std::string>& paths, const std::string& context_override = {});

/// The pod's service account: server https://KUBERNETES_SERVICE_HOST:PORT, CA `root`/ca.crt,
/// bearer token `root`/token (as token_file, so rotation is seen), namespace `root`/namespace.
/// Error not_found when the host is unset ("not running in a cluster").
Result<ClusterConfig> in_cluster_config(const ConfigEnvironment& env);
/// The same with host, port and root given directly.
Result<ClusterConfig> in_cluster_config(const std::string& service_host, const std::string& service_port,
                                        const std::string& root = "/var/run/secrets/kubernetes.io/serviceaccount");

/// The config an operator or CLI uses: `kubeconfig_flag` (paths separated by ':') when given,
/// else $KUBECONFIG, else ~/.kube/config when it exists, else in-cluster. `context_flag`
/// selects a context of a kubeconfig.
Result<ClusterConfig> load_config(const std::string& kubeconfig_flag, const std::string& context_flag,
                                  const ConfigEnvironment& env = ConfigEnvironment::from_process());

}  // namespace kaos::k8s
