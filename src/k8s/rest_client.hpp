#pragma once
// The Kubernetes REST verbs over JSON objects: get, list, create, update, patch, server-side
// apply, delete, and raw requests for discovery. Every request carries the credentials and a
// User-Agent; every answer that is not 2xx becomes an Error decoded from its Status
// (api_error.hpp), so callers test `status_reason(error)`.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "k8s/config.hpp"
#include "k8s/group_version.hpp"
#include "net/client.hpp"
#include "net/task.hpp"

namespace kaos::k8s {

class WatchStream;
struct WatchOptions;

struct ListOptions {
  std::string label_selector{};  ///< "app=x,tier!=db"
  std::string field_selector{};  ///< "metadata.name=x"
  std::int64_t limit = 0;        ///< page size; 0: the server's choice (all)
  std::string continue_token{};  ///< from the previous page
};

/// One page of a list (or all of them, from list_all).
struct ObjectList {
  std::vector<json::object> items;  ///< each with apiVersion and kind filled in
  std::string resource_version;     ///< the list's metadata.resourceVersion (to watch from)
  std::string continue_token;       ///< empty on the last page
};

struct WriteOptions {
  std::string field_manager{};  ///< empty: the server's default (the User-Agent's product)
  bool dry_run = false;         ///< dryRun=All: validated, not persisted
};

struct PatchOptions {
  std::string field_manager{};
  bool status = false;  ///< patch the /status subresource
  bool dry_run = false;
};

struct ApplyOptions {
  std::string field_manager{};  ///< required
  bool force = false;           ///< take fields other managers own instead of a 409 conflict
  bool status = false;          ///< apply to the /status subresource
  bool dry_run = false;
};

struct DeleteOptions {
  std::string propagation_policy{};  ///< "Background", "Foreground", "Orphan"; empty: the server's
  std::optional<std::string> precondition_uid{};
  std::optional<std::string> precondition_resource_version{};
  bool dry_run = false;
};

/// One finished request, for metrics: the Kubernetes verb ("get", "list", "watch", "create",
/// "update", "patch", "apply", "delete", or the lowercased method of a raw request) and the
/// HTTP status (0 when no answer came: connect error, timeout, cancellation).
struct RequestRecord {
  std::string verb;
  int code = 0;
  std::chrono::steady_clock::duration duration{};
};

/// Counts of requests by (verb, code). Thread-safe.
class RequestCounts {
 public:
  void add(const std::string& verb, int code);
  /// A snapshot: {verb, code} → count.
  std::map<std::pair<std::string, int>, std::uint64_t> snapshot() const;
  std::uint64_t total() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> counts_;
};

struct RestClientOptions {
  /// Sent as User-Agent; the stand-in and real servers also use its product as the default
  /// field manager.
  std::string user_agent;                     ///< empty: "kaos-operator/<version>"
  std::chrono::milliseconds timeout{30'000};  ///< per request (watches: see WatchOptions)
  /// Connection pool settings; `tls` is replaced by the ClusterConfig's.
  net::ClientOptions http;
  /// Called after every request (from the requesting coroutine's executor); may be empty.
  std::function<void(const RequestRecord&)> on_request;
};

/// Thread-safe: callers on any strand may share one RestClient (the connection pool is shared).
/// Every method honours the awaiting coroutine's cancellation (Error kind cancelled).
///
/// Objects are addressed by a ResourceType and a namespace (ignored for cluster-scoped types;
/// empty: the config's namespace, except for list and watch, where empty means all
/// namespaces); methods that take a whole object read its namespace (empty: the config's) and
/// name from metadata. Errors: decode_api_error's for answers, the HTTP client's for transport
/// (connect, timeout, io, cancelled), protocol for a 2xx body that is not a JSON object,
/// invalid for an object without metadata.name where one is needed.
/// A 401 with a token file or exec plugin re-reads the credential and retries once.
///
/// Lifetime: arguments are taken by reference and copied before the first suspension, so
/// `co_await client.get(…)` with temporaries is safe; do not keep the returned task to await
/// later. GCC 12 destroys an aggregate temporary (a braced `{.force = true}` option struct, a
/// defaulted `= {}` argument) twice when it appears in a co_await expression inside a
/// coroutine: there, pass named option variables (hence overloads, not default arguments).
class RestClient {
 public:
  RestClient(net::Executor executor, ClusterConfig config, RestClientOptions options = {});
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  const ClusterConfig& config() const;
  /// Requests made so far by (verb, code).
  const RequestCounts& counts() const;

  net::Task<Result<json::object>> get(const ResourceType& type, std::string_view ns, std::string_view name);
  /// One page.
  net::Task<Result<ObjectList>> list(const ResourceType& type, std::string_view ns, const ListOptions& options);
  /// Every page, following continue tokens (options.limit is the page size). A continue token
  /// that expired mid-way (410) is returned as that error: the caller lists again.
  net::Task<Result<ObjectList>> list_all(const ResourceType& type, std::string_view ns, const ListOptions& options);

  /// POST; apiVersion and kind are filled in when absent. Returns the stored object.
  net::Task<Result<json::object>> create(const ResourceType& type, const json::object& object,
                                         const WriteOptions& options);
  /// PUT of the whole object (its metadata.resourceVersion makes it conditional: 409 Conflict
  /// when stale).
  net::Task<Result<json::object>> update(const ResourceType& type, const json::object& object,
                                         const WriteOptions& options);
  /// PUT …/status: only the status changes (generation is not bumped).
  net::Task<Result<json::object>> update_status(const ResourceType& type, const json::object& object,
                                                const WriteOptions& options);
  /// PATCH application/merge-patch+json (RFC 7386).
  net::Task<Result<json::object>> merge_patch(const ResourceType& type, std::string_view ns, std::string_view name,
                                              const json::object& patch, const PatchOptions& options);
  /// Server-side apply: PATCH application/apply-patch+yaml of `object` (JSON is YAML), which
  /// must carry apiVersion, kind and metadata.name. Creates the object when absent.
  net::Task<Result<json::object>> apply(const ResourceType& type, const json::object& object,
                                        const ApplyOptions& options);
  /// DELETE. Returns the server's answer body: the object (still present with a
  /// deletionTimestamp when finalizers hold it) or a Status. A missing object is an Error with
  /// status_reason not_found (kind not_found).
  net::Task<Result<json::object>> remove(const ResourceType& type, std::string_view ns, std::string_view name,
                                         const DeleteOptions& options);

  // The same without options. (Overloads, not default arguments: GCC 12 destroys a defaulted
  // argument of class type twice when the call is made inside a coroutine.)
  net::Task<Result<ObjectList>> list(const ResourceType& type, std::string_view ns) {
    return list(type, ns, defaults<ListOptions>());
  }
  net::Task<Result<ObjectList>> list_all(const ResourceType& type, std::string_view ns) {
    return list_all(type, ns, defaults<ListOptions>());
  }
  net::Task<Result<json::object>> create(const ResourceType& type, const json::object& object) {
    return create(type, object, defaults<WriteOptions>());
  }
  net::Task<Result<json::object>> update(const ResourceType& type, const json::object& object) {
    return update(type, object, defaults<WriteOptions>());
  }
  net::Task<Result<json::object>> update_status(const ResourceType& type, const json::object& object) {
    return update_status(type, object, defaults<WriteOptions>());
  }
  net::Task<Result<json::object>> merge_patch(const ResourceType& type, std::string_view ns, std::string_view name,
                                              const json::object& patch) {
    return merge_patch(type, ns, name, patch, defaults<PatchOptions>());
  }
  net::Task<Result<json::object>> remove(const ResourceType& type, std::string_view ns, std::string_view name) {
    return remove(type, ns, name, defaults<DeleteOptions>());
  }

  /// Opens a watch (see watch.hpp).
  net::Task<Result<std::unique_ptr<WatchStream>>> watch(const ResourceType& type, std::string_view ns,
                                                        const WatchOptions& options);

  /// Any request: `path_and_query` is appended to the server URL ("/version", "/apis"). The
  /// body of a 2xx answer, or the decoded Error.
  net::Task<Result<std::string>> request(std::string_view method, std::string_view path_and_query,
                                         std::string_view body = {},
                                         std::string_view content_type = "application/json");

  struct Impl;  ///< internal to k8s (rest_client_impl.hpp)

 private:
  template <class Options>
  static const Options& defaults() {
    static const Options options{};
    return options;
  }
  std::shared_ptr<Impl> impl_;
};

/// The query string of a list: "?labelSelector=…&limit=…" ("" when nothing is set).
std::string list_query(const ListOptions& options);
/// Percent-encodes a query parameter value.
std::string query_escape(std::string_view value);

}  // namespace kaos::k8s
