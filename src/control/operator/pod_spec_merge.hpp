#pragma once
// A small strategic merge patch for corev1.PodSpec, as KAOS applies `spec.container` and
// `spec.podSpec` (Kubernetes' strategic-merge rules for the lists a pod spec holds): lists with
// a merge key merge element by element — containers, initContainers and ephemeralContainers by
// name; in a container env by name, volumeMounts by mountPath, ports by containerPort,
// volumeDevices by devicePath; volumes (retainKeys: a patched volume keeps only the keys the
// patch gives it, so emptyDir → configMap does not leave both) and imagePullSecrets by name.
// Every other list is replaced; objects merge recursively; a null removes the key; an element
// `{"<key>": …, "$patch": "delete"}` removes the matching element. Elements the patch adds are
// appended after the base's, in the patch's order.
#include "core/json.hpp"

namespace kaos::control::operator_ {

/// `base` with `patch` strategic-merged onto it (both PodSpec JSON objects).
json::object merge_pod_spec(json::object base, const json::object& patch);

/// `base` (a corev1.Container) with `patch` strategic-merged onto it (the container rules above).
json::object merge_container(json::object base, const json::object& patch);

}  // namespace kaos::control::operator_
