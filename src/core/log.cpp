#include "core/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "core/env.hpp"

namespace kaos {

namespace {
std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}
// %j: the message escaped as the inside of a JSON string, so LOG_FORMAT=json lines stay
// valid JSON whatever the message holds.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static const char* hex = "0123456789abcdef";
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[6] = {'\\', 'u', '0', '0', hex[(c >> 4) & 0xf], hex[c & 0xf]};
            dest.append(std::string_view(buf, 6));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

}  // namespace

Result<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  const std::string n = upper(name);
  if (n == "TRACE") return spdlog::level::trace;
  if (n == "DEBUG") return spdlog::level::debug;
  if (n == "INFO") return spdlog::level::info;
  if (n == "WARNING" || n == "WARN") return spdlog::level::warn;
  if (n == "ERROR") return spdlog::level::err;
  if (n == "CRITICAL") return spdlog::level::critical;
  return Error::invalid("unknown log level '" + std::string(name) + "': use TRACE, DEBUG, INFO, WARNING or ERROR");
}

Result<LogFormat> parse_log_format(std::string_view name) {
  const std::string n = upper(name);
  if (n == "TEXT") return LogFormat::text;
  if (n == "JSON") return LogFormat::json;
  return Error::invalid("unknown log format '" + std::string(name) + "': use text or json");
}

Result<LogSettings> log_settings_from_env() {
  LogSettings s;
  if (auto v = env_string("LOG_LEVEL"); v && !v->empty()) {
    auto lvl = parse_log_level(*v);
    if (!lvl) return Error::invalid("LOG_LEVEL: " + lvl.error().message);
    s.level = *lvl;
  }
  if (auto v = env_string("LOG_FORMAT"); v && !v->empty()) {
    auto f = parse_log_format(*v);
    if (!f) return Error::invalid("LOG_FORMAT: " + f.error().message);
    s.format = *f;
  }
  return s;
}

void init_logging(const LogSettings& settings, std::string_view component) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(std::string(component), sink);
  if (settings.format == LogFormat::json) {
    auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<JsonEscapedMessage>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","message":"%j"})");
    logger->set_formatter(std::move(f));
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e - %n - %^%l%$ - %v");
  }
  logger->set_level(settings.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace kaos
