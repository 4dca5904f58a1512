#pragma once
// Typed (de)serialization of the resource structs. Each struct lists its JSON fields once, in
// a static `fields(self, visitor)` function; FieldReader and FieldWriter walk that list, so the
// JSON names of a struct are written in exactly one place. Reading assumes the value already
// passed schema validation (schema_validation.hpp): a value of the wrong type is skipped, not
// reported. Writing follows Go's `omitempty`: empty strings, empty lists/maps, nullopt and
// empty objects are omitted; a set std::optional (a Go pointer) is always written.
#include <array>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/json.hpp"

namespace kaos::api {

/// Specialize for each enum: `static constexpr std::array<std::pair<E, std::string_view>, N> values`.
template <class E>
struct EnumNames;

template <class E>
std::string_view enum_name(E e) {
  for (const auto& [value, name] : EnumNames<E>::values) {
    if (value == e) return name;
  }
  return {};
}

template <class E>
std::optional<E> enum_from_name(std::string_view name) {
  for (const auto& [value, n] : EnumNames<E>::values) {
    if (n == name) return value;
  }
  return std::nullopt;
}

/// The names of an enum, for Schema::enums — the schema and the C++ enum share one list.
template <class E>
std::vector<std::string> enum_names() {
  std::vector<std::string> out;
  for (const auto& [value, name] : EnumNames<E>::values) out.emplace_back(name);
  return out;
}

namespace detail {
struct NullVisitor {
  template <class T>
  void operator()(std::string_view, T&) {}
};
}  // namespace detail

template <class T>
concept FieldStruct = requires(T& t, detail::NullVisitor& v) {
  T::fields(t, v);
};

// ---- reading ----------------------------------------------------------------------------

void read_value(const json::value& v, std::string& out);
void read_value(const json::value& v, bool& out);
void read_value(const json::value& v, std::int32_t& out);
void read_value(const json::value& v, std::int64_t& out);
void read_value(const json::value& v, double& out);
void read_value(const json::value& v, json::value& out);
void read_value(const json::value& v, json::object& out);

template <class E>
requires std::is_enum_v<E>
void read_value(const json::value& v, E& out) {
  if (!v.is_string()) return;
  if (auto e = enum_from_name<E>(v.get_string())) out = *e;
}

template <FieldStruct T>
void read_value(const json::value& v, T& out);

template <class T>
void read_value(const json::value& v, std::optional<T>& out) {
  T t{};
  read_value(v, t);
  out = std::move(t);
}

template <class T>
void read_value(const json::value& v, std::vector<T>& out) {
  if (!v.is_array()) return;
  out.clear();
  for (const auto& item : v.get_array()) {
    T t{};
    read_value(item, t);
    out.push_back(std::move(t));
  }
}

template <class T>
void read_value(const json::value& v, std::map<std::string, T>& out) {
  if (!v.is_object()) return;
  out.clear();
  for (const auto& kv : v.get_object()) read_value(kv.value(), out[std::string(kv.key())]);
}

class FieldReader {
 public:
  explicit FieldReader(const json::object& o) : o_(o) {}
  template <class T>
  void operator()(std::string_view key, T& field) {
    if (const auto* v = find_field(o_, key)) read_value(*v, field);
  }

 private:
  const json::object& o_;
};

template <FieldStruct T>
void read_value(const json::value& v, T& out) {
  if (!v.is_object()) return;
  FieldReader r(v.get_object());
  T::fields(out, r);
}

/// Reads a struct from a validated JSON object.
template <FieldStruct T>
T read_struct(const json::value& v) {
  T t{};
  read_value(v, t);
  return t;
}

// ---- writing ----------------------------------------------------------------------------

inline json::value write_value(const std::string& s) {
  return json::string(s);
}
inline json::value write_value(bool b) {
  return b;
}
inline json::value write_value(std::int32_t i) {
  return static_cast<std::int64_t>(i);
}
inline json::value write_value(std::int64_t i) {
  return i;
}
inline json::value write_value(double d) {
  return d;
}
inline json::value write_value(const json::value& v) {
  return v;
}
inline json::value write_value(const json::object& o) {
  return o;
}

template <class E>
requires std::is_enum_v<E> json::value write_value(E e) {
  return json::string(enum_name(e));
}

template <FieldStruct T>
json::value write_value(const T& t);

template <class T>
json::value write_value(const std::optional<T>& o) {
  return o ? write_value(*o) : json::value(nullptr);
}

template <class T>
json::value write_value(const std::vector<T>& items) {
  json::array a;
  for (const auto& item : items) a.push_back(write_value(item));
  return a;
}

template <class T>
json::value write_value(const std::map<std::string, T>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = write_value(v);
  return o;
}

/// omitempty: what Go's encoding/json leaves out of the output.
bool omitted(const json::value& v, bool from_optional);

class FieldWriter {
 public:
  explicit FieldWriter(json::object& o) : o_(o) {}
  template <class T>
  void operator()(std::string_view key, const T& field) {
    json::value v = write_value(field);
    constexpr bool is_optional = requires {
      field.has_value();
    };
    if (!omitted(v, is_optional)) o_[key] = std::move(v);
  }

 private:
  json::object& o_;
};

template <FieldStruct T>
json::value write_value(const T& t) {
  json::object o;
  FieldWriter w(o);
  T::fields(t, w);
  return o;
}

}  // namespace kaos::api
