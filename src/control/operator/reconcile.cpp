#include "control/operator/reconcile.hpp"

#include <algorithm>

#include "api/model_match.hpp"
#include "control/operator/cr_status.hpp"
#include "control/operator/names.hpp"
#include "control/operator/object_compare.hpp"
#include "control/operator/references.hpp"
#include "control/operator/render.hpp"
#include "plan/plan.hpp"

namespace kaos::control::operator_ {

namespace {

const json::object& metadata_of(const json::object& o) {
  static const json::object empty;
  const auto* m = find_field(o, "metadata");
  return m && m->is_object() ? m->get_object() : empty;
}

std::string meta_string(const json::object& o, std::string_view field) {
  return std::string(string_field(metadata_of(o), field).value_or(""));
}

const json::object* status_of_object(const json::object& o) {
  const auto* s = find_field(o, "status");
  return s && s->is_object() ? &s->get_object() : nullptr;
}

bool has_finalizer(const json::object& o, std::string_view finalizer) {
  const auto* list = find_field(metadata_of(o), "finalizers");
  if (!list || !list->is_array()) return false;
  return std::any_of(list->get_array().begin(), list->get_array().end(),
                     [&](const json::value& v) { return v.is_string() && v.get_string() == finalizer; });
}

// The phase and readiness a resource's status reports (what its dependents wait on).
plan::WorkloadStatus reported_status(const json::object& o) {
  plan::WorkloadStatus s;
  if (const auto* status = status_of_object(o)) {
    if (auto phase = string_field(*status, "phase")) {
      if (auto parsed = plan::parse_phase(*phase)) s.phase = *parsed;
    }
    s.ready = bool_field(*status, "ready").value_or(false);
  }
  return s;
}

bool owned_by(const json::object& child, std::string_view uid) {
  const auto* refs = find_field(metadata_of(child), "ownerReferences");
  if (!refs || !refs->is_array() || uid.empty()) return false;
  for (const auto& r : refs->get_array()) {
    if (r.is_object() && string_field(r.get_object(), "uid") == uid) return true;
  }
  return false;
}

// The resource and the ones it refers to, as the plan needs them.
std::vector<api::Resource> planning_set(api::Resource self, const ClusterView& view) {
  std::vector<api::Resource> set;
  auto refs = referenced_resources(self);
  set.push_back(std::move(self));
  for (const auto& ref : refs) {
    auto object = view.resource(ref.kind, k8s::object_key(ref.namespace_, ref.name));
    if (!object) continue;
    if (auto r = read_cluster_object(*object)) set.push_back(std::move(*r));
  }
  return set;
}

// The children a resource may own, whatever its spec says now: those not rendered this time
// and still owned by it are deleted (Agent expose turned off, Gateway API disabled, a ModelAPI
// switched from Proxy to Hosted).
std::vector<ChildRef> possible_children(std::string_view kind, const std::string& ns, const std::string& name) {
  return {{"ConfigMap", ns, files_config_map_name(kind, name)},
          {"Service", ns, child_name(kind, name)},
          {"HTTPRoute", ns, http_route_name(kind, name)}};
}

json::object without_pod_template_spec(json::object deployment) {
  if (auto* spec = deployment.if_contains("spec"); spec && spec->is_object()) {
    if (auto* t = spec->get_object().if_contains("template"); t && t->is_object()) t->get_object().erase("spec");
  }
  return deployment;
}

bool child_is_current(const json::object& desired, const json::object* live) {
  if (!live) return false;
  if (string_field(desired, "kind") == "Deployment") return covers(*live, without_pod_template_spec(desired));
  return covers(*live, desired);
}

EventNote event_for(const plan::WorkloadStatus& s) {
  const bool bad = s.phase == plan::Phase::Failed || s.phase == plan::Phase::Waiting;
  return {bad ? "Warning" : "Normal", s.reason.empty() ? std::string(plan::to_string(s.phase)) : s.reason, s.message};
}

struct Pass {
  std::string_view kind;
  const json::object& object;
  const ClusterView& view;
  const OperatorSettings& settings;
  const std::string& now;
  ReconcileOutcome out;
  std::string ns = meta_string(object, "namespace");
  std::string name = meta_string(object, "name");

  void write_status(plan::WorkloadStatus s, const json::object* deployment, const api::Resource* resource) {
    StatusInputs in;
    in.generation = int_field(metadata_of(object), "generation").value_or(0);
    in.deployment = deployment;
    if (resource) {
      if (const auto* m = std::get_if<api::ModelAPI>(resource)) in.supported_models = api::supported_models(m->spec);
      if (const auto* a = std::get_if<api::Agent>(resource)) {
        json::object linked;
        if (!a->spec.model_api.empty()) linked["modelapi"] = a->spec.model_api;
        if (a->spec.config && a->spec.config->memory && !a->spec.config->memory->memory_store.empty())
          linked["memorystore"] = a->spec.config->memory->memory_store;
        in.linked_resources = std::move(linked);
      }
    }
    in.status = std::move(s);
    const auto* live = status_of_object(object);
    auto desired = render_cr_status(in, live, now);
    if (live && covers(*live, desired) && covers(desired, *live)) return;
    const plan::Phase before = live ? reported_status(object).phase : plan::Phase::Pending;
    if (!live || before != in.status.phase) out.events.push_back(event_for(in.status));
    out.status = std::move(desired);
  }

  void settle(plan::Phase phase, std::string message, std::string reason, const api::Resource* resource) {
    plan::WorkloadStatus s;
    s.phase = phase;
    s.message = std::move(message);
    s.reason = std::move(reason);
    write_status(std::move(s), nullptr, resource);
  }

  void run() {
    const auto finalizer = finalizer_of(kind);
    if (find_field(metadata_of(object), "deletionTimestamp")) {
      if (has_finalizer(object, finalizer)) out.finalizer = ReconcileOutcome::Finalizer::remove;
      return;
    }
    if (!finalizer.empty() && !has_finalizer(object, finalizer)) out.finalizer = ReconcileOutcome::Finalizer::add;

    auto resource = read_cluster_object(object);
    if (!resource) return settle(plan::Phase::Failed, resource.error().message, "InvalidSpec", nullptr);
    auto set = planning_set(*resource, view);
    const auto addressing = cluster_addressing(set);
    const auto plan = plan::plan_resources(set, addressing, plan_options(settings));
    const plan::Workload* w = plan.find(plan::WorkloadRef{std::string(kind), ns, name}.id());
    if (!w) return;
    if (w->failure) return settle(plan::Phase::Failed, *w->failure, w->failure_reason, &*resource);
    if (w->waiting) {
      out.requeue_after = kMissingDependencyRequeue;
      return settle(plan::Phase::Waiting, *w->waiting, std::string(plan::kReasonDependencyNotFound), &*resource);
    }
    auto blocker =
        plan::first_unready_dependency(*w, [&](const plan::WorkloadRef& dep) -> std::optional<plan::WorkloadStatus> {
          auto o = view.resource(dep.kind, k8s::object_key(dep.namespace_, dep.name));
          if (!o) return std::nullopt;
          return reported_status(*o);
        });
    if (blocker) {
      if (blocker->reason == plan::kReasonDependencyNotFound) out.requeue_after = kMissingDependencyRequeue;
      return settle(plan::Phase::Waiting, blocker->message, blocker->reason, &*resource);
    }
    apply_children(*w, *resource, addressing);
  }

  void apply_children(const plan::Workload& w, const api::Resource& resource, const plan::Addressing& addressing) {
    auto rendered = render_workload(w, resource, settings);
    std::vector<ChildRef> kept;
    for (auto& object : rendered.objects) {
      auto ref = child_ref(object);
      kept.push_back(ref);
      if (!child_is_current(object, view.child(ref.kind, k8s::object_key(ref.namespace_, ref.name)).get()))
        out.apply.push_back(std::move(object));
    }
    const std::string uid = meta_string(object, "uid");
    for (const auto& candidate : possible_children(kind, ns, name)) {
      if (std::find(kept.begin(), kept.end(), candidate) != kept.end()) continue;
      auto live = view.child(candidate.kind, k8s::object_key(candidate.namespace_, candidate.name));
      if (live && owned_by(*live, uid)) out.remove.push_back(candidate);
    }
    auto deployment = view.child("Deployment", k8s::object_key(ns, child_name(kind, name)));
    const bool has_service =
        std::any_of(kept.begin(), kept.end(), [](const ChildRef& c) { return c.kind == "Service"; });
    auto s = status_from_deployment(deployment.get(), has_service ? addressing.endpoint(w.ref) : std::string());
    if (w.memory) {
      std::optional<plan::Phase> store_phase;
      if (auto store = view.resource("MemoryStore", k8s::object_key(ns, w.memory->store)))
        store_phase = reported_status(*store).phase;
      if (auto c = plan::memory_degraded_condition(w, store_phase)) s.conditions.push_back(std::move(*c));
    }
    write_status(std::move(s), deployment.get(), &resource);
  }
};

}  // namespace

bool ReconcileOutcome::writes_nothing() const {
  return finalizer == Finalizer::unchanged && apply.empty() && remove.empty() && !status && events.empty();
}

ChildRef child_ref(const json::object& object) {
  return {std::string(string_field(object, "kind").value_or("")), meta_string(object, "namespace"),
          meta_string(object, "name")};
}

json::object trim_child(json::object object) {
  if (auto* m = object.if_contains("metadata"); m && m->is_object()) m->get_object().erase("managedFields");
  if (string_field(object, "kind") == "Deployment") return without_pod_template_spec(std::move(object));
  return object;
}

ReconcileOutcome reconcile_resource(std::string_view kind, const std::string& key, const ClusterView& view,
                                    const OperatorSettings& settings, const std::string& now) {
  auto object = view.resource(kind, key);
  if (!object) return {};
  Pass pass{kind, *object, view, settings, now, {}};
  pass.run();
  pass.out.object = std::move(object);
  return std::move(pass.out);
}

}  // namespace kaos::control::operator_
