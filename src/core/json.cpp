#include "core/json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <cmath>

namespace kaos {

Result<json::value> parse_json(std::string_view text, std::size_t max_depth) {
  json::parse_options opts;
  opts.max_depth = max_depth;
  boost::system::error_code ec;
  json::stream_parser p({}, opts);
  std::size_t consumed = p.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) {
    // Whitespace after the value is fine; anything else is trailing garbage.
    auto rest = text.substr(consumed);
    if (rest.find_first_not_of(" \t\r\n") != std::string_view::npos)
      ec = json::make_error_code(json::error::extra_data);
  }
  if (!ec) p.finish(ec);
  if (ec) {
    if (text.empty()) return Error::invalid("invalid JSON: empty body");
    return Error::invalid("invalid JSON at offset " + std::to_string(consumed) + ": " + ec.message());
  }
  return p.release();
}

namespace {

// Boost.JSON 1.81 writes a non-finite double as Infinity, -Infinity or NaN, which no JSON
// parser accepts. Ours never writes one: it becomes null (as JavaScript's JSON.stringify does).
// Values are checked first (no allocation) and copied only when one is found: a computed
// double, or a number beyond double's range in parsed input (Boost.JSON reads 1e400 as inf).
bool is_non_finite(const json::value& v) {
  return v.is_double() && !std::isfinite(v.get_double());
}

bool has_non_finite(const json::value& v);
bool has_non_finite(const json::object& o) {
  for (const auto& kv : o)
    if (has_non_finite(kv.value())) return true;
  return false;
}
bool has_non_finite(const json::array& a) {
  for (const auto& x : a)
    if (has_non_finite(x)) return true;
  return false;
}
bool has_non_finite(const json::value& v) {
  if (const auto* o = v.if_object()) return has_non_finite(*o);
  if (const auto* a = v.if_array()) return has_non_finite(*a);
  return is_non_finite(v);
}

void replace_non_finite(json::value& v) {
  if (auto* o = v.if_object()) {
    for (auto& kv : *o) replace_non_finite(kv.value());
  } else if (auto* a = v.if_array()) {
    for (auto& x : *a) replace_non_finite(x);
  } else if (is_non_finite(v)) {
    v = nullptr;
  }
}

template <class T>
std::string serialize_finite(const T& v) {
  if (!has_non_finite(v)) return json::serialize(v);
  json::value copy(v);
  replace_non_finite(copy);
  return json::serialize(copy);
}

}  // namespace

std::string to_json(const json::value& v) {
  return serialize_finite(v);
}
std::string to_json(const json::object& o) {
  return serialize_finite(o);
}
std::string to_json(const json::array& a) {
  return serialize_finite(a);
}

namespace {
void pretty(std::string& out, const json::value& v, int indent) {
  auto pad = [&](int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); };
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ",\n";
        first = false;
        pad(indent + 1);
        out += json::serialize(json::value(kv.key()));
        out += ": ";
        pretty(out, kv.value(), indent + 1);
      }
      out += "\n";
      pad(indent);
      out += "}";
      return;
    }
    case json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ",\n";
        pad(indent + 1);
        pretty(out, a[i], indent + 1);
      }
      out += "\n";
      pad(indent);
      out += "]";
      return;
    }
    default:
      out += is_non_finite(v) ? "null" : json::serialize(v);
  }
}
}  // namespace

std::string to_pretty_json(const json::value& v) {
  std::string out;
  pretty(out, v, 0);
  out += "\n";
  return out;
}

std::string_view json_kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "unknown";
}

const json::value* find_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

std::optional<std::string_view> string_field(const json::object& o, std::string_view key) {
  const auto* v = find_field(o, key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}

std::optional<bool> bool_field(const json::object& o, std::string_view key) {
  const auto* v = find_field(o, key);
  if (!v || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

std::optional<std::int64_t> int_field(const json::object& o, std::string_view key) {
  const auto* v = find_field(o, key);
  if (!v) return std::nullopt;
  return as_int64(*v);
}

std::optional<std::int64_t> as_int64(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<double> as_double(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

}  // namespace kaos
