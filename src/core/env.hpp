#pragma once
// Environment helpers. Only executables (app/, cli/) and server entry points read the
// environment; libraries receive typed settings. Each parser names the variable on error.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace kaos {

/// Every variable of the process environment (for settings parsed from a map, such as the
/// operator's; a variable without '=' is skipped).
std::map<std::string, std::string> environment_map();

/// The variable's value, or nullopt when unset.
std::optional<std::string> env_string(std::string_view name);
/// The value, or `fallback` when unset or empty.
std::string env_or(std::string_view name, std::string_view fallback);

/// Booleans as KAOS's pydantic settings read them: true/false/1/0/yes/no/on/off.
Result<std::optional<bool>> env_bool(std::string_view name);
/// Integers within [min, max]; the error says the range and the value seen.
Result<std::optional<std::int64_t>> env_int(std::string_view name, std::int64_t min, std::int64_t max);

/// Parses a boolean word (the rules of env_bool) without reading the environment.
std::optional<bool> parse_bool_word(std::string_view s);

}  // namespace kaos
