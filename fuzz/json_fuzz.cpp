// JSON with our limits (core/json): parse_json at the default depth limit and at a small one,
// then the writers. Invariants: no crash, no depth beyond the limit, and what we write is JSON
// we read back to the same value (compact and pretty), so nothing we emit is invalid JSON.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "fuzz_check.hpp"

namespace {

std::size_t depth_of(const kaos::json::value& v) {
  std::size_t deepest = 0;
  if (const auto* a = v.if_array()) {
    for (const auto& e : *a) deepest = std::max(deepest, depth_of(e));
    return deepest + 1;
  }
  if (const auto* o = v.if_object()) {
    for (const auto& kv : *o) deepest = std::max(deepest, depth_of(kv.value()));
    return deepest + 1;
  }
  return 0;
}

// Equal values; doubles within a few ulps: Boost.JSON 1.81 does not read every double correctly
// rounded (a 17-digit number written back can read one ulp off), so exact text equality after a
// round trip is not what it offers (fuzz/README.md, findings).
bool same(const kaos::json::value& a, const kaos::json::value& b) {
  if (a.is_double() && b.is_double()) {
    double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (const auto* o = a.if_object()) {
    const auto& p = b.get_object();
    if (o->size() != p.size()) return false;
    for (const auto& kv : *o) {
      const auto* other = p.if_contains(kv.key());
      if (!other || !same(kv.value(), *other)) return false;
    }
    return true;
  }
  if (const auto* x = a.if_array()) {
    const auto& y = b.get_array();
    if (x->size() != y.size()) return false;
    for (std::size_t i = 0; i < x->size(); ++i)
      if (!same((*x)[i], y[i])) return false;
    return true;
  }
  return a == b;
}

void round_trip(const kaos::json::value& v) {
  std::string compact = kaos::to_json(v);
  auto again = kaos::parse_json(compact, 1000);
  FUZZ_CHECK(again.has_value(), "to_json wrote text parse_json refuses");
  auto pretty = kaos::parse_json(kaos::to_pretty_json(v), 1000);
  FUZZ_CHECK(pretty.has_value(), "to_pretty_json wrote text parse_json refuses");
  FUZZ_CHECK(same(*again, *pretty), "to_json and to_pretty_json write different values");
  auto third = kaos::parse_json(kaos::to_json(*again), 1000);
  FUZZ_CHECK(third.has_value() && same(*third, *again), "to_json is not stable across a round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto v = kaos::parse_json(text)) {
    FUZZ_CHECK(depth_of(*v) <= 64, "parse_json accepted nesting beyond max_depth");
    round_trip(*v);
    (void)kaos::json_kind_name(*v);
    if (const auto* o = v->if_object()) {
      for (const auto& kv : *o) {
        (void)kaos::int_field(*o, kv.key());
        (void)kaos::string_field(*o, kv.key());
        (void)kaos::bool_field(*o, kv.key());
        (void)kaos::as_double(kv.value());
        (void)kaos::as_int64(kv.value());
      }
    }
  }
  if (auto v = kaos::parse_json(text, 4)) FUZZ_CHECK(depth_of(*v) <= 4, "parse_json accepted nesting beyond 4");
  return 0;
}
