#pragma once
// OpenAI-shaped errors: {"error":{"message","type","param","code"}}.
#include <string>
#include <string_view>

namespace kaos::protocol::openai {

/// Error `type` values OpenAI clients recognise.
inline constexpr std::string_view kInvalidRequest = "invalid_request_error";
inline constexpr std::string_view kAuthentication = "authentication_error";
inline constexpr std::string_view kNotFound = "not_found_error";
inline constexpr std::string_view kApiError = "api_error";
inline constexpr std::string_view kTimeout = "timeout_error";
inline constexpr std::string_view kRateLimit = "rate_limit_error";

/// Serialized error body. Empty `param` / `code` serialize as null.
std::string error_json(std::string_view message, std::string_view type, std::string_view param = {},
                       std::string_view code = {});

/// A request field problem: `param` is the field path ("messages[1].role"), `message` the
/// sentence a user reads ("'messages[1].role' must be a string").
struct FieldError {
  std::string param;
  std::string message;
};

}  // namespace kaos::protocol::openai
