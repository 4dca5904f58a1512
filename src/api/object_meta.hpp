#pragma once
// metadata of every object: name and namespace (Kubernetes name rules), labels and
// annotations; any other metadata field (uid, ownerReferences, ...) is kept as written.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/diagnostics.hpp"
#include "core/json.hpp"

namespace kaos::api {

struct ObjectMeta {
  std::string name;
  std::string namespace_;  ///< the manifest's namespace, or the loader's default ("default")
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  json::object raw;  ///< metadata as written, for the fields we do not model
};

/// Reads metadata (assumes validate_object_meta found no errors); empty namespace → `default_namespace`.
ObjectMeta read_object_meta(const json::value* metadata, std::string_view default_namespace);
/// `raw` with name, namespace, labels and annotations written over it.
json::value write_object_meta(const ObjectMeta& meta);

/// Checks metadata at path "metadata": an object; name required and a DNS-1123 subdomain;
/// namespace a DNS-1123 label; labels and annotations string maps with valid label syntax.
void validate_object_meta(const json::value* metadata, Diagnostics& out);

/// nullopt if `name` is a valid DNS-1123 subdomain (what Kubernetes requires of most names,
/// custom resources included), else the reason in Kubernetes' words.
std::optional<std::string> dns1123_subdomain_error(std::string_view name);
/// nullopt if `name` is a valid DNS-1123 label (namespaces, Service names).
std::optional<std::string> dns1123_label_error(std::string_view name);

}  // namespace kaos::api
