#include "api/crd.hpp"

#include <algorithm>

#include "core/yaml.hpp"

namespace kaos::api {

namespace {

json::value sorted_keys(const json::value& v) {
  if (v.is_array()) {
    json::array a;
    for (const auto& item : v.get_array()) a.push_back(sorted_keys(item));
    return a;
  }
  if (!v.is_object()) return v;
  std::vector<std::string> keys;
  for (const auto& kv : v.get_object()) keys.emplace_back(kv.key());
  std::sort(keys.begin(), keys.end());
  json::object out;
  for (const auto& k : keys) out[k] = sorted_keys(v.get_object().at(k));
  return out;
}

// Integral bounds are written as integers (a YAML 1.1 reader takes "1E0" for a string).
json::value number_value(double d) {
  if (auto i = as_int64(json::value(d))) return *i;
  return d;
}

json::object openapi_object(const Schema& s) {
  json::object o;
  if (s.type == SchemaType::IntOrString) {
    o["anyOf"] = json::array{json::object{{"type", "integer"}}, json::object{{"type", "string"}}};
    o["x-kubernetes-int-or-string"] = true;
  } else {
    o["type"] = schema_type_name(s.type);
  }
  if (!s.description.empty()) o["description"] = s.description;
  if (!s.format.empty()) o["format"] = s.format;
  if (!s.enum_values.empty()) {
    json::array e;
    for (const auto& v : s.enum_values) e.emplace_back(v);
    o["enum"] = std::move(e);
  }
  if (s.default_value) o["default"] = *s.default_value;
  if (s.minimum) o["minimum"] = number_value(*s.minimum);
  if (s.maximum) o["maximum"] = number_value(*s.maximum);
  if (s.min_items) o["minItems"] = *s.min_items;
  if (s.min_length) o["minLength"] = *s.min_length;
  if (s.pattern) o["pattern"] = s.pattern->regex;
  if (s.items) o["items"] = openapi_object(*s.items);
  if (s.additional_properties) o["additionalProperties"] = openapi_object(*s.additional_properties);
  if (!s.properties.empty()) {
    json::object props;
    for (const auto& p : s.properties) props[p.name] = openapi_object(p.schema);
    o["properties"] = std::move(props);
  }
  if (!s.required.empty()) {
    json::array r;
    for (const auto& name : s.required) r.emplace_back(name);
    o["required"] = std::move(r);
  }
  if (s.preserve_unknown_fields) o["x-kubernetes-preserve-unknown-fields"] = true;
  if (!s.rules.empty()) {
    json::array rules;
    for (const auto& rule : s.rules) {
      json::object r{{"rule", rule.rule}, {"message", rule.message}};
      if (!rule.field_path.empty()) r["fieldPath"] = "." + rule.field_path;
      rules.push_back(std::move(r));
    }
    o["x-kubernetes-validations"] = std::move(rules);
  }
  return o;
}

json::value root_schema(const KindInfo& kind) {
  json::object props;
  props["apiVersion"] =
      json::object{{"type", "string"},
                   {"description", "APIVersion defines the versioned schema of this representation of an object."}};
  props["kind"] =
      json::object{{"type", "string"},
                   {"description", "Kind is a string value representing the REST resource this object represents."}};
  props["metadata"] = json::object{{"type", "object"}};
  props["spec"] = openapi_object(kind.spec_schema());
  props["status"] = openapi_object(kind.status_schema());
  json::object root{{"type", "object"}, {"description", kind.description}};
  root["properties"] = std::move(props);
  root["required"] = json::array{"spec"};
  return sorted_keys(root);
}

}  // namespace

json::value openapi_schema(const Schema& schema) {
  return sorted_keys(openapi_object(schema));
}

json::value generate_crd(const KindInfo& kind) {
  json::array columns;
  for (const auto& c : kind.columns) {
    columns.push_back(json::object{{"jsonPath", c.json_path}, {"name", c.name}, {"type", c.type}});
  }
  columns.push_back(json::object{{"jsonPath", ".metadata.creationTimestamp"}, {"name", "Age"}, {"type", "date"}});
  json::array short_names;
  for (const auto& s : kind.short_names) short_names.emplace_back(s);

  json::object version{{"additionalPrinterColumns", std::move(columns)},
                       {"name", kVersion},
                       {"schema", json::object{{"openAPIV3Schema", root_schema(kind)}}},
                       {"served", true},
                       {"storage", true},
                       {"subresources", json::object{{"status", json::object{}}}}};
  json::object names{{"kind", kind.kind},
                     {"listKind", kind.list_kind},
                     {"plural", kind.plural},
                     {"shortNames", std::move(short_names)},
                     {"singular", kind.singular}};
  json::object spec{{"group", kGroup},
                    {"names", std::move(names)},
                    {"scope", "Namespaced"},
                    {"versions", json::array{std::move(version)}}};
  json::object metadata{{"annotations", json::object{{"kaos.tools/generated-by", "kaos crds"}}},
                        {"name", kind.plural + "." + std::string(kGroup)}};
  return json::object{{"apiVersion", "apiextensions.k8s.io/v1"},
                      {"kind", "CustomResourceDefinition"},
                      {"metadata", std::move(metadata)},
                      {"spec", std::move(spec)}};
}

std::string crd_file_name(const KindInfo& kind) {
  return std::string(kGroup) + "_" + kind.plural + ".yaml";
}

std::string render_crd_yaml(const KindInfo& kind) {
  return "---\n" + to_yaml(generate_crd(kind));
}

std::string render_all_crds_yaml() {
  std::string out;
  for (const auto& kind : kaos_kinds()) out += render_crd_yaml(kind);
  return out;
}

}  // namespace kaos::api
