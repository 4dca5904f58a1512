#pragma once
// Reading a KAOS REST body field by field. Each read checks the JSON type; the first problem
// is kept as an Error naming the field's path (`events[2].event_type: expected a string, got
// number`), so a client handed an unexpected reply gets one clear message, never an exception.
// After a failure further reads return empty values and change nothing.
//
// Absent and null are the same thing (KAOS's Python side writes null for unset optionals).
// Fields the reader is not asked about are ignored: a newer agent may add fields, and a client
// must keep working.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos::protocol::kaos::detail {

class FieldReader {
 public:
  /// `path` names `v` itself in messages: "" for a whole body, "events[2]" for an element.
  /// A `v` that is not an object is the first error.
  FieldReader(const json::value& v, std::string path);

  /// Required fields: absent, null or another JSON type is an error.
  std::string string(std::string_view key);
  json::object object(std::string_view key);
  std::int64_t non_negative_integer(std::string_view key);
  /// Empty (and an error) when absent or not an array; valid as long as the body is.
  const json::array& array(std::string_view key);
  /// Any JSON value, null when absent.
  json::value value(std::string_view key);

  /// Optional fields: absent or null gives the fallback; present must have the type.
  std::string optional_string(std::string_view key);
  json::object optional_object(std::string_view key);

  /// The path of a field of this object ("events[2].event_type", or "total" at the top).
  std::string path_of(std::string_view key) const;
  /// Records `problem` for field `key` unless an error is already kept.
  void fail_field(std::string_view key, std::string_view problem);
  /// Keeps an error found by a nested reader (its message already names its path).
  void fail(Error e);

  bool ok() const { return !error_.has_value(); }
  /// Requires !ok().
  const Error& error() const { return *error_; }

 private:
  const json::value* field(std::string_view key, bool required);
  void wrong_type(std::string_view key, std::string_view expected, const json::value& got);

  const json::object* object_ = nullptr;
  std::string path_;
  std::optional<Error> error_;
};

/// "events[2]": the path of element `index` of the array at `array_path`.
std::string element_path(std::string_view array_path, std::size_t index);

}  // namespace kaos::protocol::kaos::detail
