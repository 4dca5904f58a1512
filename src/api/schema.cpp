#include "api/schema.hpp"

namespace kaos::api {

const Schema* Schema::property(std::string_view name) const {
  for (const auto& p : properties) {
    if (p.name == name) return &p.schema;
  }
  return nullptr;
}

bool Schema::is_required(std::string_view name) const {
  for (const auto& r : required) {
    if (r == name) return true;
  }
  return false;
}

std::string RemovedField::hint_text(const json::value& written) const {
  if (hint_for) {
    if (auto specific = hint_for(written); !specific.empty()) return specific;
  }
  return hint;
}

namespace {
Schema typed(SchemaType type, std::string description, std::string format = {}) {
  Schema s;
  s.type = type;
  s.description = std::move(description);
  s.format = std::move(format);
  return s;
}
}  // namespace

Schema string_schema(std::string description) {
  return typed(SchemaType::String, std::move(description));
}
Schema integer_schema(std::string description) {
  return typed(SchemaType::Integer, std::move(description), "int32");
}
Schema int64_schema(std::string description) {
  return typed(SchemaType::Integer, std::move(description), "int64");
}
Schema number_schema(std::string description) {
  return typed(SchemaType::Number, std::move(description));
}
Schema boolean_schema(std::string description) {
  return typed(SchemaType::Boolean, std::move(description));
}
Schema int_or_string_schema(std::string description) {
  return typed(SchemaType::IntOrString, std::move(description));
}

Schema array_schema(Schema items, std::string description) {
  Schema s = typed(SchemaType::Array, std::move(description));
  s.items = std::make_shared<const Schema>(std::move(items));
  return s;
}

Schema string_map_schema(std::string description) {
  Schema s = typed(SchemaType::Object, std::move(description));
  s.additional_properties = std::make_shared<const Schema>(string_schema(""));
  return s;
}

Schema object_schema(std::string description, std::vector<Property> properties) {
  Schema s = typed(SchemaType::Object, std::move(description));
  for (const auto& p : properties) {
    if (p.required) s.required.push_back(p.name);
  }
  s.properties = std::move(properties);
  return s;
}

Schema preserved_object_schema(std::string description) {
  Schema s = typed(SchemaType::Object, std::move(description));
  s.preserve_unknown_fields = true;
  return s;
}

bool has_field(const json::object& o, std::string_view key) {
  return find_field(o, key) != nullptr;
}

std::string_view string_or(const json::object& o, std::string_view key, std::string_view fallback) {
  auto v = string_field(o, key);
  return v ? *v : fallback;
}

std::int64_t int_or(const json::object& o, std::string_view key, std::int64_t fallback) {
  auto v = int_field(o, key);
  return v ? *v : fallback;
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = find_field(o, key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

std::string_view schema_type_name(SchemaType t) {
  switch (t) {
    case SchemaType::Object:
      return "object";
    case SchemaType::Array:
      return "array";
    case SchemaType::String:
      return "string";
    case SchemaType::Integer:
      return "integer";
    case SchemaType::Number:
      return "number";
    case SchemaType::Boolean:
      return "boolean";
    case SchemaType::IntOrString:
      return "int-or-string";
  }
  return "value";
}

}  // namespace kaos::api
