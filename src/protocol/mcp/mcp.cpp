#include "protocol/mcp/mcp.hpp"

#include <algorithm>

namespace kaos::protocol::mcp {

bool is_supported_version(std::string_view version) {
  return std::find(kSupportedVersions.begin(), kSupportedVersions.end(), version) != kSupportedVersions.end();
}

std::string_view negotiate_version(std::string_view requested) {
  for (auto v : kSupportedVersions) {
    if (v == requested) return v;
  }
  return kLatestVersion;
}

std::optional<int> log_level_rank(std::string_view level) {
  for (std::size_t i = 0; i < kLogLevels.size(); ++i) {
    if (kLogLevels[i] == level) return static_cast<int>(i);
  }
  return std::nullopt;
}

json::object text_content(std::string_view text) {
  return json::object{{"type", "text"}, {"text", text}};
}

json::object image_content(std::string_view base64_data, std::string_view mime_type) {
  return json::object{{"type", "image"}, {"data", base64_data}, {"mimeType", mime_type}};
}

json::object audio_content(std::string_view base64_data, std::string_view mime_type) {
  return json::object{{"type", "audio"}, {"data", base64_data}, {"mimeType", mime_type}};
}

json::object embedded_text_resource(std::string_view uri, std::string_view mime_type, std::string_view text) {
  return json::object{{"type", "resource"},
                      {"resource", json::object{{"uri", uri}, {"mimeType", mime_type}, {"text", text}}}};
}

json::object embedded_blob_resource(std::string_view uri, std::string_view mime_type, std::string_view blob_base64) {
  return json::object{{"type", "resource"},
                      {"resource", json::object{{"uri", uri}, {"mimeType", mime_type}, {"blob", blob_base64}}}};
}

json::object tool_result(json::array content, const json::value* structured, bool is_error) {
  json::object r;
  r["content"] = std::move(content);
  if (structured != nullptr) r["structuredContent"] = *structured;
  if (is_error) r["isError"] = true;
  return r;
}

json::object tool_error_result(std::string_view message) {
  return tool_result(json::array{text_content(message)}, nullptr, true);
}

json::object progress_params(const json::value& token, double progress, std::optional<double> total,
                             std::string_view message) {
  json::object p{{"progressToken", token}, {"progress", progress}};
  if (total) p["total"] = *total;
  if (!message.empty()) p["message"] = message;
  return p;
}

json::object log_params(std::string_view level, const json::value& data, std::string_view logger) {
  json::object p{{"level", level}, {"data", data}};
  if (!logger.empty()) p["logger"] = logger;
  return p;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
             static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    const bool two = i + 1 < bytes.size();
    if (two) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += two ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace kaos::protocol::mcp
