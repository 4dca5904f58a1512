#pragma once
// The credentials each request carries, from an AuthConfig: a static token, a token file
// re-read when it changes (service-account token rotation), basic auth, or an exec plugin
// whose answer is cached until its expirationTimestamp.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "k8s/config.hpp"
#include "net/task.hpp"

namespace kaos::k8s {

/// What a request authenticates with.
struct Credential {
  std::string authorization;    ///< the Authorization header value ("Bearer …", "Basic …"), or empty
  std::string client_cert_pem;  ///< an exec plugin's clientCertificateData, or empty
  std::string client_key_pem;   ///< its clientKeyData
};

/// An exec plugin's answer (status of an ExecCredential).
struct ExecCredential {
  std::string token;
  std::string client_cert_pem;
  std::string client_key_pem;
  /// When it expires; nullopt: never (cached for the process's life).
  std::optional<std::chrono::system_clock::time_point> expires;
};

/// Runs the plugin once (KUBERNETES_EXEC_INFO set, stdin not a terminal) and parses its
/// ExecCredential. Errors name the plugin's command: io (cannot start: with install_hint),
/// timeout (past plugin.timeout, the process group is killed), invalid (non-zero exit, with its
/// stderr's last line; an answer that is not an ExecCredential of the expected apiVersion).
net::Task<Result<ExecCredential>> run_exec_plugin(const ExecPlugin& plugin);

/// Thread-safe source of the Credential for each request.
class CredentialSource {
 public:
  explicit CredentialSource(AuthConfig auth);
  ~CredentialSource();
  CredentialSource(const CredentialSource&) = delete;
  CredentialSource& operator=(const CredentialSource&) = delete;

  /// The current credential: the token file is read again when its identity (inode, size,
  /// mtime) changed; the exec plugin runs when nothing is cached or the cache expired
  /// (callers that find nothing cached at the same moment may each run it; the last answer is
  /// kept). Errors: the file's or the plugin's, naming it.
  net::Task<Result<Credential>> current();
  /// Forgets the cached token-file contents and exec answer (after a 401), so the next
  /// current() reads or runs again. True when there was something to forget (a retry may help).
  bool invalidate();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace kaos::k8s
