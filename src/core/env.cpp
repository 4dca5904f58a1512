#include "core/env.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

extern char** environ;  // NOLINT: POSIX

namespace kaos {

std::map<std::string, std::string> environment_map() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::optional<std::string> env_string(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string env_or(std::string_view name, std::string_view fallback) {
  auto v = env_string(name);
  if (!v || v->empty()) return std::string(fallback);
  return *v;
}

std::optional<bool> parse_bool_word(std::string_view s) {
  std::string w(s);
  std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
  if (w == "true" || w == "1" || w == "yes" || w == "on" || w == "y" || w == "t") return true;
  if (w == "false" || w == "0" || w == "no" || w == "off" || w == "n" || w == "f") return false;
  return std::nullopt;
}

Result<std::optional<bool>> env_bool(std::string_view name) {
  auto v = env_string(name);
  if (!v || v->empty()) return std::optional<bool>{};
  auto b = parse_bool_word(*v);
  if (!b) return Error::invalid(std::string(name) + ": expected true or false, got '" + *v + "'");
  return std::optional<bool>{*b};
}

Result<std::optional<std::int64_t>> env_int(std::string_view name, std::int64_t min, std::int64_t max) {
  auto v = env_string(name);
  if (!v || v->empty()) return std::optional<std::int64_t>{};
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size()) {
    return Error::invalid(std::string(name) + ": expected an integer, got '" + *v + "'");
  }
  if (out < min || out > max) {
    return Error::invalid(std::string(name) + ": must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + ", got " + *v);
  }
  return std::optional<std::int64_t>{out};
}

}  // namespace kaos
