#include "api/object_meta.hpp"

#include <regex>

#include "api/schema.hpp"

namespace kaos::api {

std::optional<std::string> dns1123_label_error(std::string_view name) {
  static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  if (name.size() > 63) return "must be no more than 63 characters, got " + std::to_string(name.size());
  if (!std::regex_match(name.begin(), name.end(), re)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
           "and end with an alphanumeric character (e.g. 'my-name', or '123-abc'), got \"" +
           std::string(name) + "\"";
  }
  return std::nullopt;
}

std::optional<std::string> dns1123_subdomain_error(std::string_view name) {
  static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  if (name.size() > 253) return "must be no more than 253 characters, got " + std::to_string(name.size());
  if (!std::regex_match(name.begin(), name.end(), re)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
           "start and end with an alphanumeric character (e.g. 'example.com'), got \"" +
           std::string(name) + "\"";
  }
  return std::nullopt;
}

namespace {

// Label keys: optional DNS-subdomain prefix + "/" + name (63 max, alnum with -_. inside).
std::optional<std::string> label_key_error(std::string_view key) {
  static const std::regex name_re("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  std::string_view name = key;
  if (auto slash = key.find('/'); slash != std::string_view::npos) {
    if (auto e = dns1123_subdomain_error(key.substr(0, slash))) return "prefix: " + *e;
    name = key.substr(slash + 1);
  }
  if (name.empty() || name.size() > 63 || !std::regex_match(name.begin(), name.end(), name_re)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', start and end with an "
           "alphanumeric character, and be at most 63 characters";
  }
  return std::nullopt;
}

std::optional<std::string> label_value_error(std::string_view value) {
  static const std::regex re("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  if (value.size() > 63 || !std::regex_match(value.begin(), value.end(), re)) {
    return "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
           "and must start and end with an alphanumeric character, at most 63 characters";
  }
  return std::nullopt;
}

void validate_string_map(const json::object& meta, std::string_view field, bool labels, Diagnostics& out) {
  const auto* v = find_field(meta, field);
  if (!v) return;
  std::string path = join_path("metadata", field);
  if (!v->is_object()) {
    out.error(path, "expected object, got " + std::string(json_kind_name(*v)));
    return;
  }
  for (const auto& kv : v->get_object()) {
    std::string key_path = join_path(path, kv.key());
    if (!kv.value().is_string()) {
      out.error(key_path, "expected string, got " + std::string(json_kind_name(kv.value())));
      continue;
    }
    if (auto e = label_key_error(kv.key())) out.error(key_path, "invalid key: " + *e);
    if (labels) {
      if (auto e = label_value_error(kv.value().get_string())) out.error(key_path, *e);
    }
  }
}

}  // namespace

void validate_object_meta(const json::value* metadata, Diagnostics& out) {
  if (!metadata) {
    out.error("metadata.name", "required");
    return;
  }
  if (!metadata->is_object()) {
    out.error("metadata", "expected object, got " + std::string(json_kind_name(*metadata)));
    return;
  }
  const auto& meta = metadata->get_object();
  const auto* name = find_field(meta, "name");
  if (!name) {
    out.error("metadata.name", "required");
  } else if (!name->is_string()) {
    out.error("metadata.name", "expected string, got " + std::string(json_kind_name(*name)));
  } else if (auto e = dns1123_subdomain_error(name->get_string())) {
    out.error("metadata.name", *e);
  }
  if (const auto* ns = find_field(meta, "namespace")) {
    if (!ns->is_string())
      out.error("metadata.namespace", "expected string, got " + std::string(json_kind_name(*ns)));
    else if (auto e = dns1123_label_error(ns->get_string()))
      out.error("metadata.namespace", *e);
  }
  validate_string_map(meta, "labels", true, out);
  validate_string_map(meta, "annotations", false, out);
}

ObjectMeta read_object_meta(const json::value* metadata, std::string_view default_namespace) {
  ObjectMeta m;
  if (metadata && metadata->is_object()) {
    m.raw = metadata->get_object();
    m.name = std::string(string_or(m.raw, "name", ""));
    m.namespace_ = std::string(string_or(m.raw, "namespace", ""));
    for (auto [field, target] : {std::pair{"labels", &m.labels}, std::pair{"annotations", &m.annotations}}) {
      if (const auto* v = find_field(m.raw, field); v && v->is_object()) {
        for (const auto& kv : v->get_object()) {
          if (kv.value().is_string()) (*target)[std::string(kv.key())] = std::string(kv.value().get_string());
        }
      }
    }
  }
  if (m.namespace_.empty()) m.namespace_ = std::string(default_namespace);
  return m;
}

json::value write_object_meta(const ObjectMeta& meta) {
  json::object o = meta.raw;
  o["name"] = meta.name;
  o["namespace"] = meta.namespace_;
  auto write_map = [&](const char* key, const std::map<std::string, std::string>& m) {
    if (m.empty()) {
      o.erase(key);
      return;
    }
    json::object mo;
    for (const auto& [k, v] : m) mo[k] = v;
    o[key] = std::move(mo);
  };
  write_map("labels", meta.labels);
  write_map("annotations", meta.annotations);
  return o;
}

}  // namespace kaos::api
