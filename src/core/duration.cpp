#include "core/duration.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>

namespace kaos {

Result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  const std::string orig(text);
  auto bad = [&](const std::string& why) {
    return Error::invalid("invalid duration \"" + orig + "\": " + why + " (examples: 30s, 1m30s, 250ms, 2h)");
  };
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return bad("empty");
  long double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return bad("expected a number");
    std::string num(s.substr(0, i));
    if (std::count(num.begin(), num.end(), '.') > 1 || num == ".") return bad("malformed number '" + num + "'");
    s.remove_prefix(i);
    std::size_t u = 0;
    while (u < s.size() && !std::isdigit(static_cast<unsigned char>(s[u])) && s[u] != '.') ++u;
    std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    long double mult = 0;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      mult = 1e3L;
    else if (unit == "ms")
      mult = 1e6L;
    else if (unit == "s")
      mult = 1e9L;
    else if (unit == "m")
      mult = 60e9L;
    else if (unit == "h")
      mult = 3600e9L;
    else if (unit.empty())
      return bad("missing unit after " + num);
    else
      return bad("unknown unit '" + std::string(unit) + "'");
    total += std::stold(num) * mult;
    if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) return bad("out of range");
  }
  auto ns = static_cast<std::int64_t>(std::llround(total));
  return std::chrono::nanoseconds(neg ? -ns : ns);
}

namespace {
std::string frac(std::int64_t v, std::int64_t unit) {
  std::string out = std::to_string(v / unit);
  std::int64_t rem = v % unit;
  if (rem) {
    std::string digits = std::to_string(rem);
    std::string pad(std::to_string(unit).size() - 1 - digits.size(), '0');
    digits = pad + digits;
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}
}  // namespace

std::string format_duration(std::chrono::nanoseconds d) {
  std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  if (ns < 0) ns = -ns;
  if (ns < 1000) return sign + std::to_string(ns) + "ns";
  if (ns < 1'000'000) return sign + frac(ns, 1000) + "\xC2\xB5s";
  if (ns < 1'000'000'000) return sign + frac(ns, 1'000'000) + "ms";
  std::string out;
  std::int64_t h = ns / 3'600'000'000'000;
  ns %= 3'600'000'000'000;
  std::int64_t m = ns / 60'000'000'000;
  ns %= 60'000'000'000;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  out += frac(ns, 1'000'000'000) + "s";
  return sign + out;
}

}  // namespace kaos
