// RestClient: requests with credentials, User-Agent and counts; answers decoded.
#include "k8s/rest_client.hpp"

#include "core/version.hpp"
#include "k8s/api_error.hpp"
#include "k8s/credentials.hpp"
#include "k8s/rest_client_impl.hpp"

namespace kaos::k8s {

void RequestCounts::add(const std::string& verb, int code) {
  std::lock_guard lock(mu_);
  ++counts_[{verb, code}];
}
std::map<std::pair<std::string, int>, std::uint64_t> RequestCounts::snapshot() const {
  std::lock_guard lock(mu_);
  return counts_;
}
std::uint64_t RequestCounts::total() const {
  std::lock_guard lock(mu_);
  std::uint64_t n = 0;
  for (const auto& [key, count] : counts_) n += count;
  return n;
}

std::string query_escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string list_query(const ListOptions& o) {
  std::string q;
  auto add = [&](std::string_view key, std::string_view value) {
    q += q.empty() ? "?" : "&";
    q += std::string(key) + "=" + query_escape(value);
  };
  if (!o.label_selector.empty()) add("labelSelector", o.label_selector);
  if (!o.field_selector.empty()) add("fieldSelector", o.field_selector);
  if (o.limit > 0) add("limit", std::to_string(o.limit));
  if (!o.continue_token.empty()) add("continue", o.continue_token);
  return q;
}

RestClient::Impl::Impl(net::Executor ex, ClusterConfig cfg, RestClientOptions opts)
    : executor(ex), config(std::move(cfg)), options(std::move(opts)), credentials(config.auth) {
  if (options.user_agent.empty()) options.user_agent = "kaos-operator/" + std::string(version());
  options.http.tls = config.tls;
}

std::shared_ptr<net::HttpClient> RestClient::Impl::client_for(const Credential& credential) {
  std::lock_guard lock(mu_);
  if (!http_ || credential.client_cert_pem != http_cert_) {
    net::ClientOptions http_options = options.http;
    if (!credential.client_cert_pem.empty()) {
      http_options.tls.cert_file.clear();
      http_options.tls.key_file.clear();
      http_options.tls.cert_pem = credential.client_cert_pem;
      http_options.tls.key_pem = credential.client_key_pem;
    }
    http_ = std::make_shared<net::HttpClient>(executor, std::move(http_options));
    http_cert_ = credential.client_cert_pem;
  }
  return http_;
}

void RestClient::Impl::record(const RestCall& call, int code, std::chrono::steady_clock::time_point started) {
  counts.add(call.verb, code);
  if (options.on_request) options.on_request({call.verb, code, std::chrono::steady_clock::now() - started});
}

net::Task<Result<net::ClientRequest>> RestClient::Impl::prepare(const RestCall& call,
                                                                std::shared_ptr<net::HttpClient>& client) {
  auto credential = co_await credentials.current();
  if (!credential) co_return credential.error().reworded(call.what + ": " + credential.error().message);
  client = client_for(*credential);
  net::ClientRequest request;
  request.method = call.method;
  request.url = config.server + call.path_and_query;
  request.body = call.body;
  request.timeout = options.timeout;
  request.headers.set("Accept", "application/json");
  request.headers.set("User-Agent", options.user_agent);
  if (!credential->authorization.empty()) request.headers.set("Authorization", credential->authorization);
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT" || call.method == "PATCH")
    request.headers.set("Content-Type", call.content_type);
  co_return request;
}

net::Task<Result<net::ClientResponse>> RestClient::Impl::send(RestCall call) {
  for (int attempt = 1;; ++attempt) {
    auto started = std::chrono::steady_clock::now();
    std::shared_ptr<net::HttpClient> client;
    auto request = co_await prepare(call, client);
    if (!request) co_return request.error();
    auto answer = co_await client->send(std::move(*request));
    if (!answer) {
      record(call, 0, started);
      co_return answer.error().reworded(call.what + ": " + answer.error().message);
    }
    record(call, answer->status, started);
    if (answer->status >= 200 && answer->status < 300) co_return std::move(*answer);
    // A rotated token or an expired exec credential: read it again and retry once.
    if (answer->status == 401 && attempt == 1 && credentials.invalidate()) continue;
    co_return decode_api_error(answer->status, answer->headers, answer->body, call.what);
  }
}

net::Task<Result<std::unique_ptr<net::ResponseStream>>> RestClient::Impl::open(RestCall call,
                                                                               std::chrono::milliseconds timeout) {
  for (int attempt = 1;; ++attempt) {
    auto started = std::chrono::steady_clock::now();
    std::shared_ptr<net::HttpClient> client;
    auto request = co_await prepare(call, client);
    if (!request) co_return request.error();
    request->timeout = timeout;
    auto stream = co_await client->open(std::move(*request));
    if (!stream) {
      record(call, 0, started);
      co_return stream.error().reworded(call.what + ": " + stream.error().message);
    }
    int status = (*stream)->status();
    record(call, status, started);
    if (status >= 200 && status < 300) co_return std::move(*stream);
    auto body = co_await (*stream)->read_all();
    if (status == 401 && attempt == 1 && credentials.invalidate()) continue;
    co_return decode_api_error(status, (*stream)->headers(), body ? *body : std::string{}, call.what);
  }
}

RestClient::RestClient(net::Executor executor, ClusterConfig config, RestClientOptions options)
    : impl_(std::make_shared<Impl>(executor, std::move(config), std::move(options))) {}
RestClient::~RestClient() = default;

const ClusterConfig& RestClient::config() const {
  return impl_->config;
}
const RequestCounts& RestClient::counts() const {
  return impl_->counts;
}

net::Task<Result<std::string>> RestClient::request(std::string_view method_in, std::string_view path_in,
                                                   std::string_view body, std::string_view content_type) {
  std::string method(method_in);
  std::string path_and_query(path_in);
  std::string verb = method;
  for (auto& ch : verb) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string what = method + " " + path_and_query;
  RestCall call{
      verb,           std::move(method), std::move(path_and_query), std::string(body), std::string(content_type),
      std::move(what)};
  auto answer = co_await impl_->send(std::move(call));
  if (!answer) co_return answer.error();
  co_return std::move(answer->body);
}

}  // namespace kaos::k8s
