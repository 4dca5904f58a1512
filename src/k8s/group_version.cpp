#include "k8s/group_version.hpp"

namespace kaos::k8s {

std::string ResourceType::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string ResourceType::collection_path(const std::string& namespace_) const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !namespace_.empty()) path += "/namespaces/" + namespace_;
  return path + "/" + plural;
}

std::string ResourceType::object_path(const std::string& namespace_, const std::string& name) const {
  return collection_path(namespace_) + "/" + name;
}

}  // namespace kaos::k8s
