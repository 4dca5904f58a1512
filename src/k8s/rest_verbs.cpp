// RestClient's verbs: paths, query parameters, bodies and the parsing of answers.
#include "core/json.hpp"
#include "k8s/rest_client.hpp"
#include "k8s/rest_client_impl.hpp"

namespace kaos::k8s {
namespace {

constexpr std::size_t kMaxDepth = 512;  // CRDs nest their schemas deeply

Result<json::object> parse_object(const net::ClientResponse& answer, const std::string& what) {
  auto doc = parse_json(answer.body, kMaxDepth);
  if (!doc) return Error::protocol(what + ": the answer is not JSON: " + doc.error().message);
  if (!doc->is_object()) return Error::protocol(what + ": the answer is not a JSON object");
  return std::move(doc->as_object());
}

std::string meta_string(const json::object& object, std::string_view key) {
  const auto* meta = find_field(object, "metadata");
  if (!meta || !meta->is_object()) return {};
  return std::string(string_field(meta->as_object(), key).value_or(""));
}

/// "?a=1&b=2" from the pairs whose value is non-empty.
std::string query(std::initializer_list<std::pair<std::string_view, std::string>> params) {
  std::string q;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    q += q.empty() ? "?" : "&";
    q += std::string(key) + "=" + query_escape(value);
  }
  return q;
}

/// apiVersion and kind filled in from the type where absent.
void stamp_type(const ResourceType& type, json::object& object) {
  if (!object.contains("apiVersion")) object["apiVersion"] = type.api_version();
  if (!object.contains("kind")) object["kind"] = type.kind;
}

}  // namespace

/// The namespace a request for `type` goes to: none for cluster-scoped types, else `ns`, else
/// the config's.
static std::string namespace_for(const ResourceType& type, std::string_view ns, const ClusterConfig& config) {
  if (!type.namespaced) return {};
  return ns.empty() ? config.namespace_ : std::string(ns);
}

net::Task<Result<json::object>> RestClient::get(const ResourceType& type, std::string_view ns, std::string_view name) {
  std::string n = namespace_for(type, ns, impl_->config);
  std::string what = "get " + type.plural + " " + (n.empty() ? "" : n + "/") + std::string(name);
  RestCall call{"get", "GET", type.object_path(n, std::string(name)), {}, {}, what};
  auto answer = co_await impl_->send(std::move(call));
  if (!answer) co_return answer.error();
  co_return parse_object(*answer, what);
}

net::Task<Result<ObjectList>> RestClient::list(const ResourceType& type, std::string_view ns,
                                               const ListOptions& options) {
  std::string n = type.namespaced ? std::string(ns) : std::string{};
  std::string what = "list " + type.plural + (n.empty() ? "" : " in " + n);
  RestCall call{"list", "GET", type.collection_path(n) + list_query(options), {}, {}, what};
  auto answer = co_await impl_->send(std::move(call));
  if (!answer) co_return answer.error();
  auto doc = parse_object(*answer, what);
  if (!doc) co_return doc.error();
  ObjectList out;
  out.resource_version = meta_string(*doc, "resourceVersion");
  out.continue_token = meta_string(*doc, "continue");
  if (auto* items = doc->if_contains("items"); items && items->is_array()) {
    for (auto& item : items->as_array()) {
      if (!item.is_object()) co_return Error::protocol(what + ": an item of the list is not an object");
      stamp_type(type, item.as_object());
      out.items.push_back(std::move(item.as_object()));
    }
  }
  co_return out;
}

net::Task<Result<ObjectList>> RestClient::list_all(const ResourceType& type, std::string_view ns,
                                                   const ListOptions& options_in) {
  ListOptions options = options_in;
  ObjectList all;
  while (true) {
    auto page = co_await list(type, ns, options);
    if (!page) co_return page.error();
    for (auto& item : page->items) all.items.push_back(std::move(item));
    all.resource_version = page->resource_version;
    if (page->continue_token.empty()) co_return all;
    options.continue_token = page->continue_token;
  }
}

namespace {
/// The object path for a whole-object verb, or an error when the object has no name.
Result<std::string> path_of(const ResourceType& type, const json::object& object, const ClusterConfig& config,
                            std::string_view verb, std::string& what) {
  std::string name = meta_string(object, "name");
  std::string n = namespace_for(type, meta_string(object, "namespace"), config);
  what = std::string(verb) + " " + type.plural + " " + (n.empty() ? "" : n + "/") + name;
  if (name.empty()) return Error::invalid(what + ": the object has no metadata.name");
  return type.object_path(n, name);
}
}  // namespace

net::Task<Result<json::object>> RestClient::create(const ResourceType& type, const json::object& object_in,
                                                   const WriteOptions& options) {
  json::object object = object_in;
  stamp_type(type, object);
  std::string n = namespace_for(type, meta_string(object, "namespace"), impl_->config);
  std::string name = meta_string(object, "name");
  std::string what = "create " + type.plural + " " + (n.empty() ? "" : n + "/") +
                     (name.empty() ? meta_string(object, "generateName") + "*" : name);
  std::string path = type.collection_path(n) +
                     query({{"fieldManager", options.field_manager}, {"dryRun", options.dry_run ? "All" : ""}});
  RestCall call{"create", "POST", path, to_json(object), "application/json", what};
  auto answer = co_await impl_->send(std::move(call));
  if (!answer) co_return answer.error();
  co_return parse_object(*answer, what);
}

namespace {
net::Task<Result<json::object>> put(RestClient::Impl& impl, const ResourceType& type, const json::object& object_in,
                                    const WriteOptions& options, bool status) {
  json::object object = object_in;
  stamp_type(type, object);
  std::string what;
  auto path = path_of(type, object, impl.config, status ? "update status of" : "update", what);
  if (!path) co_return path.error();
  std::string target = *path + (status ? "/status" : "") +
                       query({{"fieldManager", options.field_manager}, {"dryRun", options.dry_run ? "All" : ""}});
  RestCall call{"update", "PUT", target, to_json(object), "application/json", what};
  auto answer = co_await impl.send(std::move(call));
  if (!answer) co_return answer.error();
  co_return parse_object(*answer, what);
}
}  // namespace

net::Task<Result<json::object>> RestClient::update(const ResourceType& type, const json::object& object_in,
                                                   const WriteOptions& options) {
  co_return co_await put(*impl_, type, object_in, options, false);
}

net::Task<Result<json::object>> RestClient::update_status(const ResourceType& type, const json::object& object_in,
                                                          const WriteOptions& options) {
  co_return co_await put(*impl_, type, object_in, options, true);
}

net::Task<Result<json::object>> RestClient::merge_patch(const ResourceType& type, std::string_view ns,
                                                        std::string_view name, const json::object& patch,
                                                        const PatchOptions& options) {
  std::string n = namespace_for(type, ns, impl_->config);
  std::string what =
      "patch " + type.plural + (options.status ? " status " : " ") + (n.empty() ? "" : n + "/") + std::string(name);
  std::string path = type.object_path(n, std::string(name)) + (options.status ? "/status" : "") +
                     query({{"fieldManager", options.field_manager}, {"dryRun", options.dry_run ? "All" : ""}});
  RestCall call{"patch", "PATCH", path, to_json(patch), "application/merge-patch+json", what};
  auto answer = co_await impl_->send(std::move(call));
  if (!answer) co_return answer.error();
  co_return parse_object(*answer, what);
}

net::Task<Result<json::object>> RestClient::apply(const ResourceType& type, const json::object& object_in,
                                                  const ApplyOptions& options) {
  json::object object = object_in;
  stamp_type(type, object);
  std::string what;
  auto path = path_of(type, object, impl_->config, options.status ? "apply status of" : "apply", what);
  if (!path) co_return path.error();
  if (options.field_manager.empty()) co_return Error::invalid(what + ": server-side apply needs a field manager");
  std::string target = *path + (options.status ? "/status" : "") +
                       query({{"fieldManager", options.field_manager},
                              {"force", options.force ? "true" : ""},
                              {"dryRun", options.dry_run ? "All" : ""}});
  RestCall call{"apply", "PATCH", target, to_json(object), "application/apply-patch+yaml", what};
  auto answer = co_await impl_->send(std::move(call));
  if (!answer) co_return answer.error();
  co_return parse_object(*answer, what);
}

net::Task<Result<json::object>> RestClient::remove(const ResourceType& type, std::string_view ns, std::string_view name,
                                                   const DeleteOptions& options) {
  std::string n = namespace_for(type, ns, impl_->config);
  std::string what = "delete " + type.plural + " " + (n.empty() ? "" : n + "/") + std::string(name);
  json::object body{{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (options.precondition_uid || options.precondition_resource_version) {
    json::object pre;
    if (options.precondition_uid) pre["uid"] = *options.precondition_uid;
    if (options.precondition_resource_version) pre["resourceVersion"] = *options.precondition_resource_version;
    body["preconditions"] = std::move(pre);
  }
  if (options.dry_run) body["dryRun"] = json::array{"All"};
  RestCall call{"delete", "DELETE", type.object_path(n, std::string(name)), to_json(body), "application/json", what};
  auto answer = co_await impl_->send(std::move(call));
  if (!answer) co_return answer.error();
  co_return parse_object(*answer, what);
}

}  // namespace kaos::k8s
