// The PodSpec strategic merge: one table of keyed lists per object shape, one recursive merge.
#include "control/operator/pod_spec_merge.hpp"

#include <string_view>

namespace kaos::control::operator_ {

namespace {

enum class Shape { pod, container, volume, plain };

struct ListRule {
  std::string_view field;
  std::string_view key;
  Shape element;
};

// Kubernetes' patchMergeKey tags of the lists of a PodSpec and a Container (k8s.io/api core/v1).
constexpr ListRule kPodLists[] = {
    {"containers", "name", Shape::container},          {"initContainers", "name", Shape::container},
    {"ephemeralContainers", "name", Shape::container}, {"volumes", "name", Shape::volume},
    {"imagePullSecrets", "name", Shape::plain},
};
constexpr ListRule kContainerLists[] = {
    {"env", "name", Shape::plain},
    {"volumeMounts", "mountPath", Shape::plain},
    {"ports", "containerPort", Shape::plain},
    {"volumeDevices", "devicePath", Shape::plain},
};

const ListRule* list_rule(Shape shape, std::string_view field) {
  auto find = [field](const auto& rules) -> const ListRule* {
    for (const auto& r : rules)
      if (r.field == field) return &r;
    return nullptr;
  };
  if (shape == Shape::pod) return find(kPodLists);
  if (shape == Shape::container) return find(kContainerLists);
  return nullptr;
}

bool same_key(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return as_double(a) == as_double(b);  // 8000 == 8000u
  return a == b;
}

bool is_delete_directive(const json::object& element) {
  const auto* d = find_field(element, "$patch");
  return d && d->is_string() && d->get_string() == "delete";
}

json::object merge_object(json::object base, const json::object& patch, Shape shape);

json::array merge_list(json::array base, const json::array& patch, const ListRule& rule) {
  for (const auto& item : patch) {
    const auto* element = item.if_object();
    const auto* key = element ? find_field(*element, rule.key) : nullptr;
    if (!key) {  // not mergeable: Kubernetes rejects it; we keep it rather than drop it
      base.push_back(item);
      continue;
    }
    auto match = base.end();
    for (auto it = base.begin(); it != base.end(); ++it) {
      const auto* existing = it->if_object();
      const auto* existing_key = existing ? find_field(*existing, rule.key) : nullptr;
      if (existing_key && same_key(*existing_key, *key)) {
        match = it;
        break;
      }
    }
    if (is_delete_directive(*element)) {
      if (match != base.end()) base.erase(match);
    } else if (match != base.end()) {
      *match = merge_object(match->as_object(), *element, rule.element);
    } else {
      base.push_back(merge_object({}, *element, rule.element));
    }
  }
  return base;
}

json::object merge_object(json::object base, const json::object& patch, Shape shape) {
  if (shape == Shape::volume) {  // retainKeys: the patch says which volume source remains
    json::object kept;
    for (const auto& [k, v] : base)
      if (patch.contains(k)) kept[k] = v;
    base = std::move(kept);
  }
  for (const auto& [k, v] : patch) {
    if (k == "$patch") continue;
    if (v.is_null()) {
      base.erase(k);
      continue;
    }
    auto* existing = base.if_contains(k);
    const ListRule* rule = list_rule(shape, k);
    if (rule && v.is_array()) {
      base[k] =
          merge_list(existing && existing->is_array() ? existing->as_array() : json::array{}, v.as_array(), *rule);
    } else if (v.is_object()) {
      base[k] = merge_object(existing && existing->is_object() ? existing->as_object() : json::object{}, v.as_object(),
                             Shape::plain);
    } else {
      base[k] = v;
    }
  }
  return base;
}

}  // namespace

json::object merge_pod_spec(json::object base, const json::object& patch) {
  return merge_object(std::move(base), patch, Shape::pod);
}

json::object merge_container(json::object base, const json::object& patch) {
  return merge_object(std::move(base), patch, Shape::container);
}

}  // namespace kaos::control::operator_
