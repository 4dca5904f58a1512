#include "api/model_match.hpp"

#include <cstdio>

#include "api/modelapi.hpp"

namespace kaos::api {

bool model_matches(std::string_view model, const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns) {
    if (pattern == "*" || pattern == model) return true;
    if (pattern.size() >= 2 && pattern.ends_with("/*")) {
      std::string_view prefix(pattern.data(), pattern.size() - 1);  // keep the '/'
      if (model.starts_with(prefix)) return true;
    }
  }
  return false;
}

std::vector<std::string> supported_models(const ModelAPISpec& spec) {
  if (spec.mode == ModelAPIMode::Proxy && spec.proxy_config) return spec.proxy_config->models;
  if (spec.mode == ModelAPIMode::Hosted && spec.hosted_config) return {spec.hosted_config->model};
  return {};
}

std::optional<std::string> check_agent_model(std::string_view model, std::string_view modelapi_name,
                                             const ModelAPISpec& spec) {
  auto supported = supported_models(spec);
  if (model_matches(model, supported)) return std::nullopt;
  return "model " + go_quote(model) + " not supported by ModelAPI " + go_quote(modelapi_name) +
         " (supported: " + go_string_list(supported) + ")";
}

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string go_string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ' ';
    out += items[i];
  }
  return out + "]";
}

}  // namespace kaos::api
