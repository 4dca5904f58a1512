#include "protocol/kaos/field_reader.hpp"

namespace kaos::protocol::kaos::detail {

FieldReader::FieldReader(const json::value& v, std::string path) : path_(std::move(path)) {
  object_ = v.if_object();
  if (object_ == nullptr)
    error_ = Error::invalid((path_.empty() ? "" : path_ + ": ") + "expected a JSON object, got " +
                            std::string(json_kind_name(v)));
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
  fail_field(key, "expected " + std::string(expected) + ", got " + std::string(json_kind_name(got)));
}

const json::value* FieldReader::field(std::string_view key, bool required) {
  if (error_) return nullptr;
  const json::value* v = find_field(*object_, key);
  if (v == nullptr && required) fail_field(key, "missing");
  return v;
}

std::string FieldReader::string(std::string_view key) {
  const json::value* v = field(key, true);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    wrong_type(key, "a string", *v);
    return {};
  }
  return std::string(v->get_string());
}

std::string FieldReader::optional_string(std::string_view key) {
  const json::value* v = field(key, false);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    wrong_type(key, "a string", *v);
    return {};
  }
  return std::string(v->get_string());
}

json::object FieldReader::object(std::string_view key) {
  const json::value* v = field(key, true);
  if (v == nullptr) return {};
  if (!v->is_object()) {
    wrong_type(key, "an object", *v);
    return {};
  }
  return v->get_object();
}

json::object FieldReader::optional_object(std::string_view key) {
  const json::value* v = field(key, false);
  if (v == nullptr) return {};
  if (!v->is_object()) {
    wrong_type(key, "an object", *v);
    return {};
  }
  return v->get_object();
}

std::int64_t FieldReader::non_negative_integer(std::string_view key) {
  const json::value* v = field(key, true);
  if (v == nullptr) return 0;
  auto n = as_int64(*v);
  if (!n || *n < 0) {
    wrong_type(key, "a non-negative integer", *v);
    return 0;
  }
  return *n;
}

const json::array& FieldReader::array(std::string_view key) {
  static const json::array kEmpty;
  const json::value* v = field(key, true);
  if (v == nullptr) return kEmpty;
  if (!v->is_array()) {
    wrong_type(key, "an array", *v);
    return kEmpty;
  }
  return v->get_array();
}

json::value FieldReader::value(std::string_view key) {
  const json::value* v = field(key, false);
  return v != nullptr ? *v : json::value(nullptr);
}

std::string element_path(std::string_view array_path, std::size_t index) {
  return std::string(array_path) + "[" + std::to_string(index) + "]";
}

}  // namespace kaos::protocol::kaos::detail
