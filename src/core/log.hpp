#pragma once
// Logging setup: spdlog, one line per event. Level names are KAOS's (TRACE, DEBUG, INFO,
// WARNING, ERROR); LOG_FORMAT=json switches to one JSON object per line.
#include <spdlog/spdlog.h>

#include <string_view>

#include "core/result.hpp"

namespace kaos {

enum class LogFormat { text, json };

struct LogSettings {
  spdlog::level::level_enum level = spdlog::level::info;
  LogFormat format = LogFormat::text;
};

/// Parses a KAOS level name (case-insensitive; WARN and CRITICAL accepted as aliases).
Result<spdlog::level::level_enum> parse_log_level(std::string_view name);
Result<LogFormat> parse_log_format(std::string_view name);

/// Reads LOG_LEVEL and LOG_FORMAT; an invalid value is an error naming the variable.
Result<LogSettings> log_settings_from_env();

/// Installs the process-wide logger (to stderr). `component` is the role, e.g. "modelapi".
void init_logging(const LogSettings& settings, std::string_view component);

}  // namespace kaos
