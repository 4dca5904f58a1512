#pragma once
// JSON helpers over Boost.JSON: strict parsing with readable errors and typed field access
// that names the path of the offending field.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace kaos {
namespace json = boost::json;

/// Parses one JSON document. `max_depth` bounds nesting (bad input must not exhaust the stack).
/// The error message says where parsing stopped, e.g. "invalid JSON at offset 12: syntax error".
Result<json::value> parse_json(std::string_view text, std::size_t max_depth = 64);

/// Compact serialization.
std::string to_json(const json::value& v);
/// Same, without first converting (deep-copying) the object or array into a json::value.
std::string to_json(const json::object& o);
std::string to_json(const json::array& a);
/// Indented serialization (2 spaces), for humans and generated files.
std::string to_pretty_json(const json::value& v);

/// JSON type name as a user reads it: "string", "number", "object", ...
std::string_view json_kind_name(const json::value& v);

/// Field lookups that return nullptr / nullopt when the field is absent or null.
const json::value* find_field(const json::object& o, std::string_view key);
std::optional<std::string_view> string_field(const json::object& o, std::string_view key);
std::optional<bool> bool_field(const json::object& o, std::string_view key);
std::optional<std::int64_t> int_field(const json::object& o, std::string_view key);

/// Converts a number (integer or integral double) to int64; nullopt otherwise.
std::optional<std::int64_t> as_int64(const json::value& v);
/// Converts any number to double; nullopt otherwise.
std::optional<double> as_double(const json::value& v);

}  // namespace kaos
