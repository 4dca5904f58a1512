#pragma once
// Internal to protocol/kaos (not part of the interface): the strict field reader the control-API
// parsers share, and small serializers.
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos::protocol::kaos::detail {

// Reads the fields of one JSON object; the first problem is kept (later reads return empty
// values) and names the field's path: "resources[2].ready: expected a boolean, got string".
class FieldReader {
 public:
  FieldReader(const json::value& v, std::string path) : path_(std::move(path)) {
    if (v.is_object())
      object_ = &v.get_object();
    else
      fail(Error::invalid((path_.empty() ? std::string("body") : path_) + ": expected an object, got " +
                          std::string(json_kind_name(v))));
  }

  std::string where(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool ok() const { return !error_; }
  void fail(Error e) {
    if (!error_) error_ = std::move(e);
  }
  const Error& error() const { return *error_; }

  /// The field's value, or nullptr (absent or null); a required one records an error.
  const json::value* field(std::string_view key, bool required, std::string_view expected) {
    if (!object_) return nullptr;
    const auto* v = find_field(*object_, key);
    if (!v && required)
      fail(Error::invalid(where(key) + ": expected " + std::string(expected) + ", but it is missing"));
    return v;
  }
  void wrong_type(std::string_view key, std::string_view expected, const json::value& got) {
    fail(Error::invalid(where(key) + ": expected " + std::string(expected) + ", got " +
                        std::string(json_kind_name(got))));
  }

  std::optional<std::string> optional_string(std::string_view key, bool required = false) {
    const auto* v = field(key, required, "a string");
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      wrong_type(key, "a string", *v);
      return std::nullopt;
    }
    return std::string(v->get_string());
  }
  std::string string(std::string_view key) { return optional_string(key, true).value_or(""); }

  std::optional<bool> optional_boolean(std::string_view key, bool required = false) {
    const auto* v = field(key, required, "a boolean");
    if (!v) return std::nullopt;
    if (!v->is_bool()) {
      wrong_type(key, "a boolean", *v);
      return std::nullopt;
    }
    return v->get_bool();
  }
  bool boolean(std::string_view key) { return optional_boolean(key, true).value_or(false); }

  std::int64_t integer(std::string_view key) {
    const auto* v = field(key, true, "an integer");
    if (!v) return 0;
    auto n = as_int64(*v);
    if (!n) wrong_type(key, "an integer", *v);
    return n.value_or(0);
  }

  const json::array* array(std::string_view key, bool required = true) {
    const auto* v = field(key, required, "an array");
    if (!v) return nullptr;
    if (!v->is_array()) {
      wrong_type(key, "an array", *v);
      return nullptr;
    }
    return &v->get_array();
  }

  /// Each element of array `key` read by `read(element, "key[i]")`.
  template <class T, class Read>
  std::vector<T> list(std::string_view key, Read read, bool required = true) {
    std::vector<T> out;
    const auto* a = array(key, required);
    if (!a) return out;
    for (std::size_t i = 0; i < a->size() && ok(); ++i) {
      auto item = read((*a)[i], where(key) + "[" + std::to_string(i) + "]");
      if (!item)
        fail(item.error());
      else
        out.push_back(std::move(*item));
    }
    return out;
  }

  void reject_unknown(std::initializer_list<std::string_view> known) {
    if (!object_) return;
    for (const auto& field : *object_) {
      const std::string_view k = field.key();
      if (std::find(known.begin(), known.end(), k) == known.end()) fail(Error::invalid(where(k) + ": unknown field"));
    }
  }

  template <class T>
  Result<T> finish(T value) const {
    if (error_) return *error_;
    return value;
  }

 private:
  const json::object* object_ = nullptr;
  std::string path_;
  std::optional<Error> error_;
};

inline Result<std::string> read_string(const json::value& v, const std::string& where) {
  if (!v.is_string()) return Error::invalid(where + ": expected a string, got " + std::string(json_kind_name(v)));
  return std::string(v.get_string());
}

inline json::array strings_json(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.push_back(json::value(s));
  return a;
}

}  // namespace kaos::protocol::kaos::detail
