#pragma once
// Internal to protocol/kaos: reading a KAOS REST body field by field, shared by every parser
// here. Each read checks the JSON type; the first problem is kept as an Error naming the
// field's path (`resources[2].ready: expected a boolean, got string`, `events[0].event_id:
// expected a string, but it is missing`), so a client handed an unexpected reply gets one clear
// message, never an exception. After a failure further reads return empty values.
//
// Absent and null are the same thing (KAOS's Python side writes null for unset optionals).
// Fields the reader is not asked about are ignored unless the caller rejects them
// (`reject_unknown`, for requests): a newer server may add fields to a reply.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos::protocol::kaos::detail {

class FieldReader {
 public:
  /// `path` names `v` itself in messages ("events[2]"; "" for a whole body, called "body").
  /// A `v` that is not an object is the first error.
  FieldReader(const json::value& v, std::string path);

  /// Required fields: absent, null or another JSON type is an error.
  std::string string(std::string_view key);
  bool boolean(std::string_view key);
  std::int64_t integer(std::string_view key);
  std::int64_t non_negative_integer(std::string_view key);
  json::object object(std::string_view key);
  /// Empty (and an error) when absent or not an array.
  const json::array& array(std::string_view key);

  /// Optional fields: absent or null gives nullopt / empty / nullptr; present must have the type.
  std::optional<std::string> optional_string(std::string_view key);
  std::optional<bool> optional_boolean(std::string_view key);
  json::object optional_object(std::string_view key);
  const json::array* optional_array(std::string_view key);
  /// Any JSON value, null when absent.
  json::value value(std::string_view key);
  /// The raw value of a field of any type; nullptr when absent (an error if `required`).
  const json::value* raw(std::string_view key, bool required, std::string_view expected);

  /// Each element of array `key`, read by `read(element, "key[i]") -> Result<T>`.
  template <class T, class Read>
  std::vector<T> list(std::string_view key, Read read, bool required = true) {
    std::vector<T> out;
    const json::array* a = required ? &array(key) : optional_array(key);
    if (!a) return out;
    for (std::size_t i = 0; i < a->size() && ok(); ++i) {
      auto item = read((*a)[i], path_of(key) + "[" + std::to_string(i) + "]");
      if (!item)
        fail(item.error());
      else
        out.push_back(std::move(*item));
    }
    return out;
  }

  /// For requests: any field not in `known` is an error naming it.
  void reject_unknown(std::initializer_list<std::string_view> known);

  /// The path of a field of this object ("events[2].event_type", or "total" at the top).
  std::string path_of(std::string_view key) const;
  /// Records `problem` for field `key` unless an error is already kept.
  void fail_field(std::string_view key, std::string_view problem);
  /// Keeps an error found elsewhere (a nested reader's message already names its path).
  void fail(Error e);

  bool ok() const { return !error_.has_value(); }
  /// Requires !ok().
  const Error& error() const { return *error_; }
  /// `value`, or the kept error.
  template <class T>
  Result<T> finish(T value) const {
    if (error_) return *error_;
    return value;
  }

 private:
  const json::value* field(std::string_view key, bool required, std::string_view expected);
  void wrong_type(std::string_view key, std::string_view expected, const json::value& got);

  const json::object* object_ = nullptr;
  std::string path_;
  std::optional<Error> error_;
};

/// A list element that must be a string.
Result<std::string> read_string(const json::value& v, const std::string& where);
/// A JSON array of strings.
json::array strings_json(const std::vector<std::string>& list);

}  // namespace kaos::protocol::kaos::detail
