// A workload's objects in apply order, and a whole manifest set: plan once, render each.
#include <variant>

#include "control/operator/render.hpp"

namespace kaos::control::operator_ {

RenderedWorkload render_workload(const plan::Workload& w, const api::Resource& resource,
                                 const OperatorSettings& settings) {
  RenderedWorkload out;
  out.ref = w.ref;
  if (w.failure) {
    out.not_rendered = *w.failure;
    return out;
  }
  out.waiting = w.waiting;
  if (auto config_map = render_files_config_map(w, resource)) out.objects.push_back(std::move(*config_map));
  out.objects.push_back(render_deployment(w, resource, settings));
  if (auto service = render_service(w, resource)) out.objects.push_back(std::move(*service));
  if (auto route = render_http_route(w, resource, settings)) out.objects.push_back(std::move(*route));
  return out;
}

std::vector<json::object> RenderedSet::objects() const {
  std::vector<json::object> out;
  for (const auto& w : workloads) out.insert(out.end(), w.objects.begin(), w.objects.end());
  return out;
}

namespace {

// The resource a workload was planned from (a later duplicate wins, as in the plan's index).
const api::Resource* resource_of(const std::vector<api::Resource>& resources, const plan::WorkloadRef& ref) {
  const api::Resource* found = nullptr;
  for (const auto& r : resources) {
    const auto& meta = api::resource_metadata(r);
    if (api::resource_kind(r) == ref.kind && meta.namespace_ == ref.namespace_ && meta.name == ref.name) found = &r;
  }
  return found;
}

}  // namespace

RenderedSet render_resources(const std::vector<api::Resource>& resources, const OperatorSettings& settings) {
  auto plan = plan::plan_resources(resources, cluster_addressing(resources), plan_options(settings));
  RenderedSet out;
  for (const auto& w : plan.workloads) {
    const auto* resource = resource_of(resources, w.ref);
    if (!resource) {  // cannot happen: every workload comes from a resource of the set
      out.workloads.push_back({w.ref, {}, "no resource for " + w.ref.id(), std::nullopt});
      continue;
    }
    out.workloads.push_back(render_workload(w, *resource, settings));
  }
  return out;
}

}  // namespace kaos::control::operator_
