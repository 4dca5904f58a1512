#include "api/field_reference.hpp"

#include "api/schema_validation.hpp"

namespace kaos::api {

namespace {

std::string type_text(const Schema& s) {
  switch (s.type) {
    case SchemaType::Object:
      if (s.preserve_unknown_fields) return "object (passthrough)";
      return s.additional_properties ? "map[string]string" : "object";
    case SchemaType::Array:
      return "[]" + (s.items ? type_text(*s.items) : std::string("any"));
    default:
      return std::string(schema_type_name(s.type));
  }
}

std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

std::string validation_text(const Schema& s, bool required) {
  std::vector<std::string> parts;
  if (required) parts.emplace_back("required");
  if (!s.enum_values.empty()) parts.push_back("one of " + joined(s.enum_values));
  if (s.minimum && s.maximum)
    parts.push_back(format_number(*s.minimum) + "–" + format_number(*s.maximum));
  else if (s.minimum)
    parts.push_back("≥ " + format_number(*s.minimum));
  else if (s.maximum)
    parts.push_back("≤ " + format_number(*s.maximum));
  if (s.pattern) parts.push_back("pattern `" + s.pattern->regex + "`");
  if (s.min_items) parts.push_back("at least " + std::to_string(*s.min_items) + " item");
  if (s.items && !s.items->enum_values.empty()) parts.push_back("items one of " + joined(s.items->enum_values));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// Shared types documented once in the "Shared types" section.
bool documented_once(std::string_view path) {
  for (std::string_view suffix : {"container", "env", "SecretKeyRef", "secretKeyRef", "configMapKeyRef"}) {
    if (path.ends_with(suffix)) return true;
  }
  return false;
}

void field_rows(const Schema& s, const std::string& path, bool required, std::string& out) {
  if (!path.empty()) {
    std::string def = s.default_value ? "`" + to_json(*s.default_value) + "`" : "";
    out += "| `" + path + "` | " + type_text(s) + " | " + def + " | " + cell(validation_text(s, required)) + " | " +
           cell(s.description) + " |\n";
    if (documented_once(path)) return;
  }
  const Schema* obj = s.type == SchemaType::Array && s.items ? s.items.get() : &s;
  for (const auto& p : obj->properties)
    field_rows(p.schema, path.empty() ? p.name : path + "." + p.name, p.required, out);
}

void rule_rows(const Schema& s, const std::string& path, std::string& out) {
  const Schema* obj = s.type == SchemaType::Array && s.items ? s.items.get() : &s;
  for (const auto& r : obj->rules) {
    std::string at = path + (r.field_path.empty() ? "" : "." + r.field_path);
    std::string cel = r.rule.size() > 200 ? "(long: see the CRD in deploy/crds)" : "`" + cell(r.rule) + "`";
    out.append("| `").append(at).append("` | ").append(cell(r.message)).append(" | ").append(cel).append(" |\n");
  }
  for (const auto& p : obj->properties) rule_rows(p.schema, path + "." + p.name, out);
}

}  // namespace

std::string field_reference_table(const KindInfo& kind) {
  std::string out = "| field (under `spec`) | type | default | validation | meaning |\n|---|---|---|---|---|\n";
  field_rows(kind.spec_schema(), "", false, out);
  return out;
}

std::string rule_reference_table(const KindInfo& kind) {
  std::string out = "| reported at | message | CEL rule |\n|---|---|---|\n";
  rule_rows(kind.spec_schema(), "spec", out);
  return out;
}

}  // namespace kaos::api
