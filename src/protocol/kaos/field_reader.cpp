#include "protocol/kaos/field_reader.hpp"

#include <algorithm>

namespace kaos::protocol::kaos::detail {

namespace {

std::string kind_of(const json::value& v) {
  return std::string(json_kind_name(v));
}

}  // namespace

FieldReader::FieldReader(const json::value& v, std::string path) : path_(std::move(path)) {
  object_ = v.if_object();
  if (object_ == nullptr)
    error_ = Error::invalid((path_.empty() ? std::string("body") : path_) + ": expected an object, got " + kind_of(v));
}

std::string FieldReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void FieldReader::fail_field(std::string_view key, std::string_view problem) {
  if (!error_) error_ = Error::invalid(path_of(key) + ": " + std::string(problem));
}

void FieldReader::fail(Error e) {
  if (!error_) error_ = std::move(e);
}

void FieldReader::wrong_type(std::string_view key, std::string_view expected, const json::value& got) {
  fail_field(key, "expected " + std::string(expected) + ", got " + kind_of(got));
}

const json::value* FieldReader::field(std::string_view key, bool required, std::string_view expected) {
  if (error_) return nullptr;
  const json::value* v = find_field(*object_, key);
  if (v == nullptr && required) fail_field(key, "expected " + std::string(expected) + ", but it is missing");
  return v;
}

const json::value* FieldReader::raw(std::string_view key, bool required, std::string_view expected) {
  return field(key, required, expected);
}

std::optional<std::string> FieldReader::optional_string(std::string_view key) {
  const json::value* v = field(key, false, "a string");
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    wrong_type(key, "a string", *v);
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::string FieldReader::string(std::string_view key) {
  if (field(key, true, "a string") == nullptr) return {};
  return optional_string(key).value_or("");
}

std::optional<bool> FieldReader::optional_boolean(std::string_view key) {
  const json::value* v = field(key, false, "a boolean");
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    wrong_type(key, "a boolean", *v);
    return std::nullopt;
  }
  return v->get_bool();
}

bool FieldReader::boolean(std::string_view key) {
  if (field(key, true, "a boolean") == nullptr) return false;
  return optional_boolean(key).value_or(false);
}

std::int64_t FieldReader::integer(std::string_view key) {
  const json::value* v = field(key, true, "an integer");
  if (v == nullptr) return 0;
  auto n = as_int64(*v);
  if (!n) wrong_type(key, "an integer", *v);
  return n.value_or(0);
}

std::int64_t FieldReader::non_negative_integer(std::string_view key) {
  const json::value* v = field(key, true, "a non-negative integer");
  if (v == nullptr) return 0;
  auto n = as_int64(*v);
  if (!n || *n < 0) {
    wrong_type(key, "a non-negative integer", *v);
    return 0;
  }
  return *n;
}

json::object FieldReader::optional_object(std::string_view key) {
  const json::value* v = field(key, false, "an object");
  if (v == nullptr) return {};
  if (!v->is_object()) {
    wrong_type(key, "an object", *v);
    return {};
  }
  return v->get_object();
}

json::object FieldReader::object(std::string_view key) {
  if (field(key, true, "an object") == nullptr) return {};
  return optional_object(key);
}

const json::array* FieldReader::optional_array(std::string_view key) {
  const json::value* v = field(key, false, "an array");
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    wrong_type(key, "an array", *v);
    return nullptr;
  }
  return &v->get_array();
}

const json::array& FieldReader::array(std::string_view key) {
  static const json::array kEmpty;
  if (field(key, true, "an array") == nullptr) return kEmpty;
  const json::array* a = optional_array(key);
  return a ? *a : kEmpty;
}

json::value FieldReader::value(std::string_view key) {
  const json::value* v = field(key, false, "a value");
  return v != nullptr ? *v : json::value(nullptr);
}

void FieldReader::reject_unknown(std::initializer_list<std::string_view> known) {
  if (!object_) return;
  for (const auto& f : *object_) {
    const std::string_view k = f.key();
    if (std::find(known.begin(), known.end(), k) == known.end()) fail_field(k, "unknown field");
  }
}

Result<std::string> read_string(const json::value& v, const std::string& where) {
  if (!v.is_string()) return Error::invalid(where + ": expected a string, got " + kind_of(v));
  return std::string(v.get_string());
}

json::array strings_json(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.push_back(json::value(s));
  return a;
}

}  // namespace kaos::protocol::kaos::detail
