#include "control/operator/object_compare.hpp"

namespace kaos::control::operator_ {

bool covers(const json::object& live, const json::object& desired) {
  for (const auto& [key, want] : desired) {
    const auto* have = live.if_contains(key);
    if (!have) {
      if (want.is_null()) continue;
      return false;
    }
    if (!covers(*have, want)) return false;
  }
  return true;
}

bool covers(const json::value& live, const json::value& desired) {
  if (desired.is_object()) return live.is_object() && covers(live.get_object(), desired.get_object());
  if (desired.is_array()) {
    if (!live.is_array()) return false;
    const auto& l = live.get_array();
    const auto& d = desired.get_array();
    if (l.size() != d.size()) return false;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (!covers(l[i], d[i])) return false;
    }
    return true;
  }
  if (desired.is_number() && live.is_number()) {
    auto a = as_int64(live);
    auto b = as_int64(desired);
    if (a && b) return *a == *b;
    return as_double(live) == as_double(desired);
  }
  return live == desired;
}

}  // namespace kaos::control::operator_
