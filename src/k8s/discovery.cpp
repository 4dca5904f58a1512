// Discovery over the REST client: /version, /api/v1, /apis/<group>/<version>.
#include "k8s/discovery.hpp"

#include "core/json.hpp"
#include "k8s/api_error.hpp"
#include "k8s/rest_client.hpp"

namespace kaos::k8s {
namespace {

std::string group_version_path(std::string_view group_version) {
  if (group_version.find('/') == std::string_view::npos) return "/api/" + std::string(group_version);
  return "/apis/" + std::string(group_version);
}

/// The APIResourceList of `group_version`; nullopt when the server does not serve it (404).
net::Task<Result<std::optional<json::object>>> resource_list(RestClient& client, std::string_view group_version) {
  auto body = co_await client.request("GET", group_version_path(group_version));
  if (!body) {
    if (status_reason(body.error()) == StatusReason::not_found) co_return std::optional<json::object>{};
    co_return body.error();
  }
  auto doc = parse_json(*body, 64);
  if (!doc || !doc->is_object())
    co_return Error::protocol("discovery of " + std::string(group_version) + ": the answer is not a JSON object");
  co_return std::optional<json::object>(std::move(doc->as_object()));
}

}  // namespace

net::Task<Result<ServerVersion>> server_version(RestClient& client) {
  auto body = co_await client.request("GET", "/version");
  if (!body) co_return body.error();
  auto doc = parse_json(*body);
  if (!doc || !doc->is_object()) co_return Error::protocol("GET /version: the answer is not a JSON object");
  const auto& o = doc->as_object();
  auto field = [&](std::string_view key) { return std::string(string_field(o, key).value_or("")); };
  co_return ServerVersion{field("major"), field("minor"), field("gitVersion"), field("platform")};
}

net::Task<Result<bool>> has_group_version(RestClient& client, std::string_view group_version) {
  auto list = co_await resource_list(client, group_version);
  if (!list) co_return list.error();
  co_return list->has_value();
}

net::Task<Result<bool>> has_resource(RestClient& client, std::string_view group_version, std::string_view plural) {
  auto list = co_await resource_list(client, group_version);
  if (!list) co_return list.error();
  if (!*list) co_return false;
  const auto* resources = find_field(**list, "resources");
  if (!resources || !resources->is_array()) co_return false;
  for (const auto& r : resources->as_array())
    if (r.is_object() && string_field(r.as_object(), "name").value_or("") == plural) co_return true;
  co_return false;
}

}  // namespace kaos::k8s
