#pragma once
// A Kubernetes resource type as the REST API addresses it, and the paths of its verbs.
#include <string>

namespace kaos::k8s {

struct ResourceType {
  std::string group;    ///< "" for the core group, "apps", "kaos.tools", …
  std::string version;  ///< "v1", "v1alpha1"
  std::string plural;   ///< "deployments", "agents"
  std::string kind;     ///< "Deployment", "Agent"
  bool namespaced = true;

  /// "v1" or "apps/v1": the objects' apiVersion.
  std::string api_version() const;
  /// The collection path: /api/v1/namespaces/NS/configmaps, /apis/apps/v1/deployments (all
  /// namespaces when `namespace_` is empty or the type is cluster-scoped).
  std::string collection_path(const std::string& namespace_) const;
  /// The object path: collection_path + "/" + name.
  std::string object_path(const std::string& namespace_, const std::string& name) const;
  bool operator==(const ResourceType&) const = default;
};

}  // namespace kaos::k8s
