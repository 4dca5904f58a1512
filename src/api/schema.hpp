#pragma once
// The one description of each KAOS kind's fields. A Schema tree drives three things, so they
// cannot drift apart: structural validation and defaulting of manifests (validation.hpp), the
// OpenAPI v3 schema of the generated CRDs (crd.hpp), and the CEL rules — each CelRule carries
// both the CEL text written into the CRD and the C++ predicate we evaluate locally.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"

namespace kaos::api {

/// A CRD `x-kubernetes-validations` entry. `holds` is the C++ equivalent of `rule`, evaluated
/// on the (defaulted) JSON object the rule is attached to; `rule` and `holds` are written side
/// by side in the schema files and unit-tested on the same inputs.
struct CelRule {
  std::string rule;
  std::string message;
  std::function<bool(const json::object& self)> holds;
  std::string field_path;  ///< CRD `fieldPath` (".replicas"): where the error is reported; empty = self
};

enum class SchemaType { Object, Array, String, Integer, Number, Boolean, IntOrString };

/// The OpenAPI type name ("object", "integer", ...); IntOrString has none (it is an anyOf) and
/// gives "int-or-string".
std::string_view schema_type_name(SchemaType t);

struct Schema;
struct Property;

/// A field KAOS used to have. An unknown-field error for it carries the hint ("unknown
/// field; removed from KAOS: use spec.container.env"). `hint_for` (optional) writes a hint
/// for the value the manifest wrote (`defaultReadScope: agent` → "write maxReadScope: agent");
/// an empty answer falls back to `hint`.
struct RemovedField {
  std::string name;
  std::string hint;
  std::function<std::string(const json::value& written)> hint_for;
  std::string hint_text(const json::value& written) const;
};

/// A string `pattern` (OpenAPI, ECMA-262 regex in the CRD). `matches` is the C++ equivalent,
/// written by hand next to the regex (no regex engine runs on manifest input) and
/// unit-tested on the same inputs, like CelRule::holds.
struct StringPattern {
  std::string regex;
  std::string what;  ///< shown in the error: "a Gateway API duration such as 30s or 1h30m"
  std::function<bool(std::string_view)> matches;
};

struct Schema {
  SchemaType type = SchemaType::Object;
  std::string description;
  std::string format;  ///< "int32", "int64", "double" (CRD only)
  std::vector<std::string> enum_values;
  std::optional<double> minimum, maximum;
  std::optional<std::int64_t> min_items, min_length;
  std::optional<StringPattern> pattern;                 ///< String only
  std::optional<json::value> default_value;             ///< applied when the field is absent (like the API server)
  std::vector<Property> properties;                     ///< Object: declared fields, in output order
  std::vector<std::string> required;                    ///< Object: names of required fields
  std::shared_ptr<const Schema> items;                  ///< Array: element schema
  std::shared_ptr<const Schema> additional_properties;  ///< Object: map<string, T>
  bool preserve_unknown_fields = false;                 ///< Object passthrough (corev1 types we do not model)
  std::vector<CelRule> rules;
  /// Object: fields KAOS used to have, with what replaced them.
  std::vector<RemovedField> removed_fields;

  // Fluent modifiers, so schema files read like kubebuilder markers.
  Schema&& desc(std::string d) && {
    description = std::move(d);
    return std::move(*this);
  }
  Schema&& min(double v) && {
    minimum = v;
    return std::move(*this);
  }
  Schema&& max(double v) && {
    maximum = v;
    return std::move(*this);
  }
  Schema&& range(double lo, double hi) && {
    minimum = lo;
    maximum = hi;
    return std::move(*this);
  }
  Schema&& min_items_(std::int64_t n) && {
    min_items = n;
    return std::move(*this);
  }
  Schema&& min_length_(std::int64_t n) && {
    min_length = n;
    return std::move(*this);
  }
  Schema&& def(json::value v) && {
    default_value = std::move(v);
    return std::move(*this);
  }
  Schema&& enums(std::vector<std::string> values) && {
    enum_values = std::move(values);
    return std::move(*this);
  }
  Schema&& rule(std::string cel, std::string message, std::function<bool(const json::object&)> holds) && {
    rules.push_back({std::move(cel), std::move(message), std::move(holds), {}});
    return std::move(*this);
  }
  /// A rule reported at a child field (`field` without the leading dot).
  Schema&& rule_at(std::string field, std::string cel, std::string message,
                   std::function<bool(const json::object&)> holds) && {
    rules.push_back({std::move(cel), std::move(message), std::move(holds), std::move(field)});
    return std::move(*this);
  }

  Schema&& removed(std::string_view field, std::string_view hint,
                   std::function<std::string(const json::value&)> hint_for = {}) && {
    removed_fields.push_back({std::string(field), std::string(hint), std::move(hint_for)});
    return std::move(*this);
  }
  Schema&& pattern_(std::string regex, std::string what, std::function<bool(std::string_view)> matches) && {
    pattern = StringPattern{std::move(regex), std::move(what), std::move(matches)};
    return std::move(*this);
  }

  const Schema* property(std::string_view name) const;
  bool is_required(std::string_view name) const;
};

struct Property {
  std::string name;
  Schema schema;
  bool required = false;
};

// Builders. `description` is the CRD description of the field.
Schema string_schema(std::string description);
Schema integer_schema(std::string description);  ///< int32, like the Go *int32 fields
Schema int64_schema(std::string description);
Schema number_schema(std::string description);
Schema boolean_schema(std::string description);
Schema int_or_string_schema(std::string description);
Schema array_schema(Schema items, std::string description);
Schema string_map_schema(std::string description);  ///< map[string]string
/// An object with declared fields; `{"name", schema, true}` marks a required field.
Schema object_schema(std::string description, std::vector<Property> properties);
/// An object we accept but do not model (corev1.PodSpec, ResourceRequirements, ...).
Schema preserved_object_schema(std::string description);

/// Helpers for CelRule predicates: presence as CEL's has() sees it, and typed reads.
bool has_field(const json::object& o, std::string_view key);
std::string_view string_or(const json::object& o, std::string_view key, std::string_view fallback);
std::int64_t int_or(const json::object& o, std::string_view key, std::int64_t fallback);
const json::object* object_at(const json::object& o, std::string_view key);

}  // namespace kaos::api
