#pragma once
// Gateway internals shared by the handler files (chat.cpp, embeddings.cpp, the providers).
// Not part of the module's interface.
#include <boost/json/monotonic_resource.hpp>

#include <memory>
#include <string>

#include "net/http.hpp"
#include "protocol/openai/chat.hpp"
#include "servers/modelapi/gateway.hpp"
#include "servers/modelapi/gateway_metrics.hpp"
#include "servers/modelapi/model_router.hpp"

namespace kaos::modelapi::detail {

namespace po = protocol::openai;

/// OpenAI-shaped error response.
net::Response error_response(int status, std::string_view message, std::string_view type, std::string_view param = {},
                             std::string_view code = {});

/// One request's accounting: metrics once at the end (for streams, when the stream ends),
/// in-flight gauges. Shared with a stream body when the response streams.
class RequestScope {
 public:
  RequestScope(GatewayMetrics& metrics, std::string model);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;
  /// Records the outcome (first call wins).
  void finish(int status, std::string_view error_type = {});
  void add_usage(const po::Usage& u) {
    usage_ = u;
    has_usage_ = true;
  }
  const std::string& model() const { return model_; }

 private:
  GatewayMetrics& metrics_;
  std::string model_;
  Clock::time_point start_;
  po::Usage usage_;
  bool has_usage_ = false;
  bool finished_ = false;
};

/// Counts a request against a deployment (least-busy routing) for its lifetime.
class DeploymentLease {
 public:
  explicit DeploymentLease(DeploymentState& s) : s_(&s) { s_->in_flight.fetch_add(1, std::memory_order_relaxed); }
  ~DeploymentLease() {
    if (s_) s_->in_flight.fetch_sub(1, std::memory_order_relaxed);
  }
  DeploymentLease(const DeploymentLease&) = delete;
  DeploymentLease& operator=(const DeploymentLease&) = delete;

 private:
  DeploymentState* s_;
};

/// A parsed, validated chat request on its way to a provider.
struct ChatCall {
  /// `body` is created on the handler's arena: assigning to it later would keep its storage.
  explicit ChatCall(json::storage_ptr arena) : body(std::move(arena)) {}
  json::value body;  ///< parsed request (owned by the handler's arena)
  std::string raw;   ///< the request body as received
  po::ChatRequestInfo info;
  std::shared_ptr<RequestScope> scope;
  std::shared_ptr<DeploymentLease> lease;  ///< the current attempt's; streams keep it until they end
};

/// What one provider attempt produced. `failover` asks the caller to try another deployment
/// of the group (nothing reached the client yet).
struct Attempt {
  net::Response response;
  bool failover = false;
  std::string_view error_type;  ///< metrics label for a failure ("" on success)
};

/// Shared gateway state; handlers hold it by shared_ptr.
class Gateway : public std::enable_shared_from_this<Gateway> {
 public:
  Gateway(GatewayOptions options, net::Executor executor);

  net::Task<net::Response> chat(net::Request& req);
  net::Task<net::Response> embeddings(net::Request& req);
  net::Response models() const;
  net::Response metrics_text() const;
  /// 401 response when the master key is configured and missing/wrong; nullopt when allowed.
  std::optional<net::Response> check_auth(const net::Request& req) const;

  // Providers (one file each); provider_chat picks the one serving `t`.
  net::Task<Attempt> provider_chat(const Target& t, ChatCall& call);
  net::Task<Attempt> openai_chat(const Target& t, ChatCall& call);
  net::Task<Attempt> anthropic_chat(const Target& t, ChatCall& call);
  net::Task<Attempt> mock_chat(const Target& t, ChatCall& call);
  net::Task<Attempt> openai_embeddings(const Target& t, const json::value& body, std::string& raw,
                                       std::string_view model, RequestScope& scope);

  /// Records an upstream failure of a deployment (cooldown bookkeeping + metrics).
  void deployment_failed(std::size_t d);
  void deployment_ok(std::size_t d) { router_.record_success(d); }
  /// Maps a net client error to 502/504 (499 when cancelled) and records the deployment failure.
  Attempt upstream_error(const Error& e, const Target& t, std::string_view model);
  /// An upstream answered with an error status: counts 429/5xx against the deployment,
  /// passes the answer through (failover allowed for 429/5xx).
  Attempt upstream_status(const Target& t, int status, net::Response response);
  /// The client request for upstream `url`, with the deployment's deadline and retry policy.
  net::ClientRequest upstream_request(const Target& t, std::string url, std::string body) const;

  const ModelRouter& router() const { return router_; }
  GatewayMetrics& metrics() { return metrics_; }
  net::HttpClient& client() { return client_; }
  std::string not_found_message(std::string_view model) const;

 private:
  ModelRouter router_;
  GatewayMetrics metrics_;
  net::HttpClient client_;
  std::vector<std::string> bearer_;  // per deployment: "Bearer <api_key>" (empty when no key)
  std::string models_json_;
  std::string patterns_list_;
};

/// The first block of a request's JSON arena, from a small per-thread cache. A chat body
/// parses into a few KiB: more than malloc's per-thread fast path serves, so a fresh block
/// would cost a slow allocate/free pair on every request. Larger bodies spill into blocks the
/// arena allocates itself. May be released on another thread (it then joins that cache).
class ArenaBlock {
 public:
  static constexpr std::size_t kSize = 8 * 1024;
  ArenaBlock();
  ~ArenaBlock();
  ArenaBlock(const ArenaBlock&) = delete;
  ArenaBlock& operator=(const ArenaBlock&) = delete;
  unsigned char* data() { return block_.get(); }

 private:
  std::unique_ptr<unsigned char[]> block_;
};

/// A monotonic JSON arena starting in an ArenaBlock.
struct RequestArena {
  ArenaBlock block;
  json::monotonic_resource resource{block.data(), ArenaBlock::kSize};
};

/// Parses a request body into `sp`'s arena; the error says where parsing stopped. Move the
/// result only into a value constructed with the same storage: moving a json::value into one
/// with other storage copies it.
Result<json::value> parse_body(std::string_view text, json::storage_ptr sp);

}  // namespace kaos::modelapi::detail
