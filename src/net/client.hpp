#pragma once
// The HTTP/1.1 client: a keep-alive connection pool per origin, TLS, deadlines, streamed
// responses and retries for requests marked retryable.
//
// Cancellation: every operation honours the awaiting coroutine's cancellation slot (e.g. the
// server handler whose client went away): the connection in use is closed, not returned to
// the pool, and the call completes with an error of kind cancelled.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "net/http.hpp"
#include "net/url.hpp"

namespace kaos::net {

/// Each of the CA, the client certificate and its key comes from a file or from memory (a
/// kubeconfig's *-data fields), not both. A file or PEM that cannot be loaded makes every https
/// request fail with an error of kind connect naming it.
struct TlsOptions {
  bool verify = true;     ///< verify the peer certificate and host name
  std::string ca_file;    ///< extra CA bundle (PEM); system CAs are always loaded too
  std::string cert_file;  ///< client certificate (PEM), optional
  std::string key_file;   ///< its private key (PEM)
  std::string ca_pem;     ///< extra CA certificates as PEM text (one or more), like ca_file
  std::string cert_pem;   ///< client certificate chain as PEM text, like cert_file
  std::string key_pem;    ///< its private key as PEM text, like key_file
  /// The name sent as SNI and checked against the peer certificate instead of the URL's host
  /// (kubeconfig's tls-server-name); empty: the URL's host.
  std::string server_name;
};

struct RetryPolicy {
  int max_attempts = 1;                            ///< 1 = no retry
  std::chrono::milliseconds initial_backoff{100};  ///< doubled each attempt, with full jitter
  std::chrono::milliseconds max_backoff{2'000};
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  /// Open connections per origin at most (in use, idle or connecting); 0 = no limit. At the
  /// limit a request waits, within its own deadline, for a connection to be returned or
  /// closed, rather than opening one more: a burst reuses a bounded set of keep-alive
  /// connections instead of opening and closing short-lived ones by the thousand.
  std::size_t max_per_origin = 256;
  std::size_t max_idle_per_origin = 256;           ///< idle keep-alive connections kept
  std::chrono::milliseconds idle_timeout{60'000};  ///< idle connections older than this are dropped
  std::size_t max_response_body = 64 * 1024 * 1024;
  TlsOptions tls;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  ///< absolute http(s) URL
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{120'000};  ///< deadline for the whole exchange
  /// Retried (per `retry`) on connect errors, 429 and 5xx, before any response byte reached
  /// the caller. Only mark idempotent or safe-to-repeat requests.
  bool retryable = false;
  RetryPolicy retry;
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

/// A response whose body is read as it arrives (SSE, long downloads).
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  virtual int status() const = 0;
  virtual const Headers& headers() const = 0;
  /// The next piece of body as it arrives; nullopt at the end of the body.
  /// Errors: "timeout" past the request deadline, "io" on a broken connection, "cancelled".
  virtual Task<Result<std::optional<std::string>>> next() = 0;
  /// Reads the rest of the body into one string (bounded by max_response_body).
  Task<Result<std::string>> read_all();
};

/// Error kinds the client produces: connect (DNS, refused, TLS handshake), timeout (also while
/// waiting for a connection at max_per_origin), io,
/// cancelled, invalid (bad URL), too_large. An HTTP error status is an answer, not an Error.
class HttpClient {
 public:
  HttpClient(Executor executor, ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends the request and reads the whole response (any status is a value, not an error).
  Task<Result<ClientResponse>> send(ClientRequest request);
  /// Sends the request and returns once the status line and headers arrived.
  Task<Result<std::unique_ptr<ResponseStream>>> open(ClientRequest request);

  /// Pool statistics, for tests and metrics.
  struct Stats {
    std::uint64_t connections_opened = 0;
    std::uint64_t connections_reused = 0;
    std::uint64_t waits = 0;  ///< requests that waited for a connection (max_per_origin reached)
    std::size_t idle = 0;
    std::size_t open = 0;  ///< connections open now (all origins)
  };
  Stats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace kaos::net
