#pragma once
// Internal to k8s: RestClient's shared state and its one request path (credentials,
// User-Agent, counts, the 401 retry, answers decoded). Not for other modules.
#include <memory>
#include <mutex>
#include <string>

#include "k8s/credentials.hpp"
#include "k8s/rest_client.hpp"
#include "net/client.hpp"

namespace kaos::k8s {

/// One request as the transport sends it. Callers build it as a named local and move it in:
/// GCC 12 destroys a braced temporary passed by value to a coroutine twice.
struct RestCall {
  std::string verb;  ///< for counts: "get", "list", …
  std::string method;
  std::string path_and_query;
  std::string body;
  std::string content_type;
  std::string what;  ///< for error messages: "GET configmaps default/x"
};

struct RestClient::Impl {
  Impl(net::Executor executor, ClusterConfig config, RestClientOptions options);

  /// Sends the call; a 2xx answer, or the decoded Error (transport errors as they are).
  net::Task<Result<net::ClientResponse>> send(RestCall call);
  /// Opens the call as a stream (watch); a non-2xx answer is read and decoded into an Error.
  net::Task<Result<std::unique_ptr<net::ResponseStream>>> open(RestCall call, std::chrono::milliseconds timeout);

  net::Executor executor;
  ClusterConfig config;
  RestClientOptions options;
  RequestCounts counts;
  CredentialSource credentials;

 private:
  /// The HTTP client for this credential: rebuilt when an exec plugin hands out a new client
  /// certificate (a TLS context is built once per client).
  std::shared_ptr<net::HttpClient> client_for(const Credential& credential);
  net::Task<Result<net::ClientRequest>> prepare(const RestCall& call, std::shared_ptr<net::HttpClient>& client);
  void record(const RestCall& call, int code, std::chrono::steady_clock::time_point started);

  std::mutex mu_;
  std::shared_ptr<net::HttpClient> http_;
  std::string http_cert_;  ///< the exec certificate http_ was built with
};

}  // namespace kaos::k8s
