// What the renderers read from a resource itself, and the metadata every child carries.
#include <variant>

#include "control/operator/names.hpp"
#include "control/operator/render.hpp"
#include "control/operator/render_internal.hpp"

namespace kaos::control::operator_ {

namespace detail {

namespace {

// Visits the spec of the three kinds that render a workload; `fallback` for any other.
template <class F, class R>
R with_workload_spec(const api::Resource& resource, F&& f, R fallback) {
  if (const auto* a = std::get_if<api::Agent>(&resource)) return f(a->spec);
  if (const auto* m = std::get_if<api::MCPServer>(&resource)) return f(m->spec);
  if (const auto* x = std::get_if<api::ModelAPI>(&resource)) return f(x->spec);
  return fallback;
}

}  // namespace

const json::object* pod_spec_override(const api::Resource& resource) {
  return with_workload_spec(
      resource, [](const auto& spec) -> const json::object* { return spec.pod_spec ? &*spec.pod_spec : nullptr; },
      static_cast<const json::object*>(nullptr));
}

std::string gateway_route_timeout(const api::Resource& resource) {
  return with_workload_spec(
      resource, [](const auto& spec) { return spec.gateway_route ? spec.gateway_route->timeout : std::string(); },
      std::string());
}

std::string service_account_name(const api::Resource& resource) {
  const auto* m = std::get_if<api::MCPServer>(&resource);
  return m ? m->spec.service_account_name : std::string();
}

bool exposed(const api::Resource& resource) {
  const auto* a = std::get_if<api::Agent>(&resource);
  return !a || !a->spec.agent_network || a->spec.agent_network->expose.value_or(true);
}

json::object child_metadata(const std::string& name, const plan::WorkloadRef& ref, const api::Resource& resource) {
  json::object meta{{"name", name}, {"namespace", ref.namespace_}, {"labels", workload_labels(ref)}};
  if (auto owner = owner_reference(resource)) meta["ownerReferences"] = json::array{std::move(*owner)};
  return meta;
}

}  // namespace detail

std::optional<json::object> owner_reference(const api::Resource& resource) {
  const auto& meta = api::resource_metadata(resource);
  auto uid = string_field(meta.raw, "uid");
  if (!uid || uid->empty()) return std::nullopt;
  return json::object{{"apiVersion", kApiVersion}, {"kind", std::string(api::resource_kind(resource))},
                      {"name", meta.name},         {"uid", std::string(*uid)},
                      {"controller", true},        {"blockOwnerDeletion", true}};
}

}  // namespace kaos::control::operator_
