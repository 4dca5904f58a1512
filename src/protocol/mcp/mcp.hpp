#pragma once
// Model Context Protocol (modelcontextprotocol.io/specification) wire vocabulary: protocol
// versions and their negotiation, method names, error codes and builders for the JSON shapes
// tools, resources and prompts return. Data only, no I/O; the server framework (src/servers/mcp) and
// the client (src/clients/mcp) both speak through this.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"

namespace kaos::protocol::mcp {

/// Versions this implementation speaks, newest first. 2024-11-05 is the legacy HTTP+SSE era;
/// it is accepted so older clients still connect.
inline constexpr std::array<std::string_view, 4> kSupportedVersions{"2025-11-25", "2025-06-18", "2025-03-26",
                                                                    "2024-11-05"};
inline constexpr std::string_view kLatestVersion = kSupportedVersions[0];
/// What a Streamable HTTP server assumes when a request carries no MCP-Protocol-Version header
/// (specification 2025-06-18, "Protocol Version Header").
inline constexpr std::string_view kDefaultHttpVersion = "2025-03-26";

bool is_supported_version(std::string_view version);
/// The server's answer to a client's `initialize.protocolVersion`: the same version when
/// supported, otherwise the latest one (the client then decides whether to disconnect).
std::string_view negotiate_version(std::string_view requested);
/// True when `version` is at least `other` (dates compare as strings).
inline bool version_at_least(std::string_view version, std::string_view other) {
  return version >= other;
}

/// Header names of the Streamable HTTP transport.
inline constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
inline constexpr std::string_view kVersionHeader = "MCP-Protocol-Version";
inline constexpr std::string_view kLastEventIdHeader = "Last-Event-ID";

/// MCP-specific JSON-RPC error codes.
enum ErrorCode : int {
  kResourceNotFound = -32002,
  kUrlElicitationRequired = -32042,
  kConnectionClosed = -32000,  ///< used by SDKs for transport-level failures
  kRequestTimeout = -32001,
};

/// Logging levels (RFC 5424 names) in increasing severity.
inline constexpr std::array<std::string_view, 8> kLogLevels{"debug", "info",     "notice", "warning",
                                                            "error", "critical", "alert",  "emergency"};
/// Index of `level` in kLogLevels, or nullopt when it is not one.
std::optional<int> log_level_rank(std::string_view level);

// Content blocks (tool results, prompt messages, sampling).
json::object text_content(std::string_view text);
json::object image_content(std::string_view base64_data, std::string_view mime_type);
json::object audio_content(std::string_view base64_data, std::string_view mime_type);
/// An embedded resource with text (`blob_base64` empty) or binary contents.
json::object embedded_text_resource(std::string_view uri, std::string_view mime_type, std::string_view text);
json::object embedded_blob_resource(std::string_view uri, std::string_view mime_type, std::string_view blob_base64);

/// `{"content": [...], "structuredContent"?: ..., "isError"?: true}`.
json::object tool_result(json::array content, const json::value* structured = nullptr, bool is_error = false);
/// A failed tool call reported to the model (not a protocol error): isError with one text block.
json::object tool_error_result(std::string_view message);

/// `notifications/progress` params.
json::object progress_params(const json::value& token, double progress, std::optional<double> total,
                             std::string_view message = {});
/// `notifications/message` params.
json::object log_params(std::string_view level, const json::value& data, std::string_view logger = {});

/// Base64 (RFC 4648, with padding), for image/audio/blob payloads.
std::string base64_encode(std::string_view bytes);

}  // namespace kaos::protocol::mcp
