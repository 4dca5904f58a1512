#include "api/schema_validation.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace kaos::api {

std::string format_number(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9e15) {
    return std::to_string(static_cast<std::int64_t>(v));
  }
  return fmt::format("{}", v);
}

void apply_defaults(json::value& value, const Schema& schema) {
  if (schema.type == SchemaType::Array && value.is_array() && schema.items) {
    for (auto& item : value.get_array()) apply_defaults(item, *schema.items);
    return;
  }
  if (schema.type != SchemaType::Object || !value.is_object()) return;
  auto& obj = value.get_object();
  if (schema.additional_properties) {
    for (auto& kv : obj) apply_defaults(kv.value(), *schema.additional_properties);
    return;
  }
  if (schema.preserve_unknown_fields && schema.properties.empty()) return;
  for (auto it = obj.begin(); it != obj.end();) {
    if (it->value().is_null() && schema.property(it->key())) {
      it = obj.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& p : schema.properties) {
    auto it = obj.find(p.name);
    if (it == obj.end()) {
      if (p.schema.default_value) obj[p.name] = *p.schema.default_value;
      continue;
    }
    apply_defaults(it->value(), p.schema);
  }
}

namespace {

std::string_view got_name(const json::value& v) {
  if (v.is_double() && !as_int64(v)) return "number";
  if (v.is_number()) return "integer";
  return json_kind_name(v);
}

bool type_matches(const json::value& v, SchemaType t) {
  switch (t) {
    case SchemaType::Object:
      return v.is_object();
    case SchemaType::Array:
      return v.is_array();
    case SchemaType::String:
      return v.is_string();
    case SchemaType::Integer:
      return as_int64(v).has_value();
    case SchemaType::Number:
      return v.is_number();
    case SchemaType::Boolean:
      return v.is_bool();
    case SchemaType::IntOrString:
      return v.is_string() || as_int64(v).has_value();
  }
  return false;
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += '"' + values[i] + '"';
  }
  return out;
}

// Structural errors (type, unknown field) gate CEL evaluation; bounds/enum errors do not.
struct Walker {
  Diagnostics& out;
  std::size_t structural_errors = 0;

  void structural(const std::string& path, std::string message) {
    ++structural_errors;
    out.error(path, std::move(message));
  }

  void check_scalar_constraints(const json::value& v, const Schema& s, const std::string& path) {
    if (!s.enum_values.empty() && v.is_string()) {
      std::string_view got = v.get_string();
      bool ok = false;
      for (const auto& e : s.enum_values) ok = ok || e == got;
      if (!ok) out.error(path, "must be one of " + quoted_list(s.enum_values) + ", got \"" + std::string(got) + "\"");
    }
    if (s.min_length && v.is_string() && static_cast<std::int64_t>(v.get_string().size()) < *s.min_length) {
      out.error(path, *s.min_length == 1 ? std::string("must not be empty")
                                         : "must be at least " + std::to_string(*s.min_length) + " characters");
    }
    if (s.pattern && v.is_string() && !s.pattern->matches(v.get_string())) {
      out.error(path, "must be " + s.pattern->what + " (pattern " + s.pattern->regex + "), got \"" +
                          std::string(v.get_string()) + "\"");
    }
    if (auto d = as_double(v); d && (s.type == SchemaType::Integer || s.type == SchemaType::Number)) {
      bool low = s.minimum && *d < *s.minimum;
      bool high = s.maximum && *d > *s.maximum;
      if (low || high) {
        if (s.minimum && s.maximum) {
          out.error(path, "must be between " + format_number(*s.minimum) + " and " + format_number(*s.maximum) +
                              ", got " + format_number(*d));
        } else if (low) {
          out.error(path, "must be >= " + format_number(*s.minimum) + ", got " + format_number(*d));
        } else {
          out.error(path, "must be <= " + format_number(*s.maximum) + ", got " + format_number(*d));
        }
      } else if (s.format == "int32" &&
                 (*d < std::numeric_limits<std::int32_t>::min() || *d > std::numeric_limits<std::int32_t>::max())) {
        out.error(path, "must fit in a 32-bit integer, got " + format_number(*d));
      }
    }
  }

  void walk(const json::value& v, const Schema& s, const std::string& path) {
    if (!type_matches(v, s.type)) {
      bool integral = v.is_uint64() || (v.is_double() && std::floor(v.get_double()) == v.get_double());
      if (integral && (s.type == SchemaType::Integer || s.type == SchemaType::IntOrString)) {
        structural(path, "integer out of range, got " +
                             (v.is_uint64() ? std::to_string(v.get_uint64()) : format_number(v.get_double())));
        return;
      }
      structural(path, "expected " +
                           (s.type == SchemaType::IntOrString ? std::string("integer or string")
                                                              : std::string(schema_type_name(s.type))) +
                           ", got " + std::string(got_name(v)));
      return;
    }
    switch (s.type) {
      case SchemaType::Array:
        walk_array(v.get_array(), s, path);
        return;
      case SchemaType::Object:
        walk_object(v.get_object(), s, path);
        return;
      default:
        check_scalar_constraints(v, s, path);
        return;
    }
  }

  void walk_array(const json::array& a, const Schema& s, const std::string& path) {
    if (s.min_items && static_cast<std::int64_t>(a.size()) < *s.min_items) {
      out.error(path, "must have at least " + std::to_string(*s.min_items) + (*s.min_items == 1 ? " item" : " items") +
                          ", got " + std::to_string(a.size()));
    }
    if (!s.items) return;
    for (std::size_t i = 0; i < a.size(); ++i) walk(a[i], *s.items, index_path(path, i));
  }

  void walk_object(const json::object& o, const Schema& s, const std::string& path) {
    if (s.additional_properties) {
      for (const auto& kv : o) walk(kv.value(), *s.additional_properties, join_path(path, kv.key()));
      return;
    }
    std::size_t structural_before = structural_errors;
    for (const auto& kv : o) {
      const Schema* field = s.property(kv.key());
      std::string field_path = join_path(path, kv.key());
      if (!field) {
        if (!s.preserve_unknown_fields) {
          std::string message = "unknown field";
          for (const auto& removed : s.removed_fields) {
            if (removed.name == kv.key()) message += "; removed from KAOS: " + removed.hint_text(kv.value());
          }
          structural(field_path, std::move(message));
        }
        continue;
      }
      if (kv.value().is_null()) continue;  // "field:" with no value reads as absent
      walk(kv.value(), *field, field_path);
    }
    for (const auto& name : s.required) {
      if (!find_field(o, name)) out.error(join_path(path, name), "required");
    }
    if (structural_errors != structural_before) return;
    for (const auto& rule : s.rules) {
      if (!rule.holds(o)) out.error(rule.field_path.empty() ? path : join_path(path, rule.field_path), rule.message);
    }
  }
};

}  // namespace

void validate_against_schema(const json::value& value, const Schema& schema, const std::string& path,
                             Diagnostics& out) {
  Walker w{out};
  w.walk(value, schema, path);
}

}  // namespace kaos::api
