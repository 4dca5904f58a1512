#include "core/json_schema.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <regex>

namespace kaos {
namespace {

constexpr int kMaxDepth = 64;

class Validator {
 public:
  Validator(const json::value& root, std::size_t max_errors) : root_(root), max_errors_(max_errors) {}

  std::vector<SchemaViolation> errors;

  void check(const json::value& v, const json::value& schema, const std::string& path, int depth) {
    if (full()) return;
    if (depth > kMaxDepth) return fail(path, "schema nesting too deep (cyclic $ref?)");
    if (schema.is_bool()) {
      if (!schema.get_bool()) fail(path, "no value is allowed here");
      return;
    }
    if (!schema.is_object()) return fail(path, "invalid schema: expected an object or boolean");
    const auto& s = schema.get_object();

    if (auto* ref = s.if_contains("$ref")) {
      const json::value* target = resolve(*ref);
      if (target == nullptr) return fail(path, "invalid schema: cannot resolve $ref " + to_json(*ref));
      check(v, *target, path, depth + 1);
    }
    if (auto* t = s.if_contains("type")) check_type(v, *t, path);
    if (auto* e = s.if_contains("enum"); e != nullptr && e->is_array()) {
      bool found = false;
      for (const auto& option : e->get_array()) found = found || equal(option, v);
      if (!found) fail(path, "must be one of " + to_json(*e));
    }
    if (auto* c = s.if_contains("const"); c != nullptr && !equal(*c, v)) fail(path, "must be " + to_json(*c));

    if (v.is_object()) check_object(v.get_object(), s, path, depth);
    if (v.is_array()) check_array(v.get_array(), s, path, depth);
    if (v.is_string()) check_string(v.get_string(), s, path);
    if (v.is_number()) check_number(*as_double(v), s, path);

    if (auto* all = s.if_contains("allOf"); all != nullptr && all->is_array()) {
      for (const auto& sub : all->get_array()) check(v, sub, path, depth + 1);
    }
    if (auto* any = s.if_contains("anyOf"); any != nullptr && any->is_array()) {
      if (count_matching(v, any->get_array(), depth) == 0)
        fail(path, "does not match any of the allowed schemas (anyOf)");
    }
    if (auto* one = s.if_contains("oneOf"); one != nullptr && one->is_array()) {
      auto n = count_matching(v, one->get_array(), depth);
      if (n != 1) fail(path, n == 0 ? "does not match any schema of oneOf" : "matches more than one schema of oneOf");
    }
    if (auto* no = s.if_contains("not")) {
      if (matches(v, *no, depth)) fail(path, "must not match the schema in 'not'");
    }
  }

 private:
  const json::value& root_;
  std::size_t max_errors_;

  bool full() const { return errors.size() >= max_errors_; }
  void fail(const std::string& path, std::string message) {
    if (!full()) errors.push_back({path, std::move(message)});
  }

  const json::value* resolve(const json::value& ref) const {
    if (!ref.is_string()) return nullptr;
    std::string_view r = ref.get_string();
    if (r == "#") return &root_;
    if (r.substr(0, 2) != "#/") return nullptr;  // only local references
    boost::system::error_code ec;
    const json::value* target = root_.find_pointer(r.substr(1), ec);
    return ec ? nullptr : target;
  }

  static bool equal(const json::value& a, const json::value& b) {
    if (a.is_number() && b.is_number()) return *as_double(a) == *as_double(b);
    return a == b;
  }

  // "integer" is stricter than JSON Schema's "a number with no fractional part": the value must
  // be written as an integer and fit int64 (docs/mcp.md, "Tool arguments"). A tool whose
  // parameter is typed int then always receives an exact int: 2**100 (read as a double), 1.0
  // and 1e3 are refused rather than handed over as floats.
  static bool is_integer(const json::value& v) {
    return v.is_int64() || (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX));
  }

  // Numbers beyond double's range (1e400) parse as infinity: not a number any tool can use.
  static bool is_finite_number(const json::value& v) {
    return v.is_int64() || v.is_uint64() || (v.is_double() && std::isfinite(v.get_double()));
  }

  static bool has_type(const json::value& v, std::string_view t) {
    if (t == "integer") return is_integer(v);
    if (t == "number") return is_finite_number(v);
    if (t == "string") return v.is_string();
    if (t == "boolean") return v.is_bool();
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "null") return v.is_null();
    return false;
  }

  // What a value is, for "expected X, got Y": numbers that are not integers or not finite say
  // which, so the fix is clear.
  static std::string got(const json::value& v) {
    if (v.is_uint64() && !is_integer(v)) return "an integer beyond 64 bits (the limit is 9223372036854775807)";
    if (v.is_double() && !std::isfinite(v.get_double())) return "a number beyond the range of a double";
    if (v.is_double()) {
      const double d = v.get_double();
      if (std::floor(d) == d && std::fabs(d) >= 9.2e18)
        return "an integer beyond 64 bits (the limit is 9223372036854775807)";
      if (std::floor(d) == d) return "number (an integer is written without a fraction or exponent)";
    }
    return std::string(json_kind_name(v));
  }

  void check_type(const json::value& v, const json::value& t, const std::string& path) {
    if (t.is_string()) {
      if (!has_type(v, t.get_string())) fail(path, "expected " + std::string(t.get_string()) + ", got " + got(v));
    } else if (t.is_array()) {
      for (const auto& option : t.get_array()) {
        if (option.is_string() && has_type(v, option.get_string())) return;
      }
      fail(path, "expected one of " + to_json(t) + ", got " + got(v));
    }
  }

  void check_object(const json::object& o, const json::object& s, const std::string& path, int depth) {
    const json::object* props = nullptr;
    if (auto* p = s.if_contains("properties"); p != nullptr && p->is_object()) props = &p->get_object();
    if (auto* req = s.if_contains("required"); req != nullptr && req->is_array()) {
      for (const auto& name : req->get_array()) {
        if (name.is_string() && !o.contains(name.get_string())) {
          fail(path, "missing required property '" + std::string(name.get_string()) + "'");
        }
      }
    }
    const json::value* additional = s.if_contains("additionalProperties");
    for (const auto& [key, value] : o) {
      std::string child = path + "/" + std::string(key);
      if (props != nullptr) {
        if (auto* ps = props->if_contains(key)) {
          check(value, *ps, child, depth + 1);
          continue;
        }
      }
      if (additional != nullptr) {
        if (additional->is_bool() && !additional->get_bool()) {
          fail(path, "unexpected property '" + std::string(key) + "'");
        } else if (additional->is_object()) {
          check(value, *additional, child, depth + 1);
        }
      }
    }
    if (auto n = s.if_contains("minProperties");
        n != nullptr && as_int64(*n) && std::int64_t(o.size()) < *as_int64(*n)) {
      fail(path, "must have at least " + std::to_string(*as_int64(*n)) + " properties");
    }
    if (auto n = s.if_contains("maxProperties");
        n != nullptr && as_int64(*n) && std::int64_t(o.size()) > *as_int64(*n)) {
      fail(path, "must have at most " + std::to_string(*as_int64(*n)) + " properties");
    }
  }

  void check_array(const json::array& a, const json::object& s, const std::string& path, int depth) {
    std::size_t prefix = 0;
    if (auto* pi = s.if_contains("prefixItems"); pi != nullptr && pi->is_array()) {
      prefix = pi->get_array().size();
      for (std::size_t i = 0; i < prefix && i < a.size(); ++i) {
        check(a[i], pi->get_array()[i], path + "/" + std::to_string(i), depth + 1);
      }
    }
    if (auto* items = s.if_contains("items"); items != nullptr && (items->is_object() || items->is_bool())) {
      for (std::size_t i = prefix; i < a.size(); ++i) check(a[i], *items, path + "/" + std::to_string(i), depth + 1);
    }
    if (auto n = s.if_contains("minItems"); n != nullptr && as_int64(*n) && std::int64_t(a.size()) < *as_int64(*n)) {
      fail(path, "must have at least " + std::to_string(*as_int64(*n)) + " items");
    }
    if (auto n = s.if_contains("maxItems"); n != nullptr && as_int64(*n) && std::int64_t(a.size()) > *as_int64(*n)) {
      fail(path, "must have at most " + std::to_string(*as_int64(*n)) + " items");
    }
    if (auto* u = s.if_contains("uniqueItems"); u != nullptr && u->is_bool() && u->get_bool()) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j = i + 1; j < a.size(); ++j) {
          if (equal(a[i], a[j])) return fail(path, "items must be unique");
        }
      }
    }
  }

  static std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  void check_string(std::string_view str, const json::object& s, const std::string& path) {
    auto len = static_cast<std::int64_t>(code_points(str));
    if (auto n = s.if_contains("minLength"); n != nullptr && as_int64(*n) && len < *as_int64(*n)) {
      fail(path, "must be at least " + std::to_string(*as_int64(*n)) + " characters long");
    }
    if (auto n = s.if_contains("maxLength"); n != nullptr && as_int64(*n) && len > *as_int64(*n)) {
      fail(path, "must be at most " + std::to_string(*as_int64(*n)) + " characters long");
    }
    if (auto* p = s.if_contains("pattern"); p != nullptr && p->is_string()) {
      try {
        std::regex re(std::string(p->get_string()), std::regex::ECMAScript);
        if (!std::regex_search(str.begin(), str.end(), re)) fail(path, "must match pattern " + to_json(*p));
      } catch (const std::regex_error&) {
        fail(path, "invalid schema: pattern " + to_json(*p) + " is not a valid regular expression");
      }
    }
  }

  void check_number(double x, const json::object& s, const std::string& path) {
    auto bound = [&](const char* key) -> std::optional<double> {
      auto* b = s.if_contains(key);
      return b != nullptr ? as_double(*b) : std::nullopt;
    };
    auto fmt = [](double d) {
      if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
      char buf[32];
      auto end = std::to_chars(buf, buf + sizeof buf, d).ptr;
      return std::string(buf, end);
    };
    if (auto b = bound("minimum"); b && x < *b) fail(path, "must be >= " + fmt(*b));
    if (auto b = bound("maximum"); b && x > *b) fail(path, "must be <= " + fmt(*b));
    if (auto b = bound("exclusiveMinimum"); b && x <= *b) fail(path, "must be > " + fmt(*b));
    if (auto b = bound("exclusiveMaximum"); b && x >= *b) fail(path, "must be < " + fmt(*b));
    if (auto b = bound("multipleOf"); b && *b > 0) {
      double q = x / *b;
      if (std::fabs(q - std::round(q)) > 1e-9) fail(path, "must be a multiple of " + fmt(*b));
    }
  }

  bool matches(const json::value& v, const json::value& schema, int depth) {
    Validator sub(root_, 1);
    sub.check(v, schema, "", depth + 1);
    return sub.errors.empty();
  }

  std::size_t count_matching(const json::value& v, const json::array& schemas, int depth) {
    std::size_t n = 0;
    for (const auto& sub : schemas) n += matches(v, sub, depth) ? 1 : 0;
    return n;
  }
};

}  // namespace

std::vector<SchemaViolation> validate_json_schema(const json::value& value, const json::value& schema,
                                                  std::size_t max_errors) {
  Validator v(schema, max_errors);
  v.check(value, schema, "", 0);
  return std::move(v.errors);
}

std::string describe_violations(const std::vector<SchemaViolation>& violations) {
  std::string out;
  for (const auto& v : violations) {
    if (!out.empty()) out += "; ";
    if (!v.path.empty()) out += v.path.substr(1) + ": ";
    out += v.message;
  }
  return out;
}

}  // namespace kaos
