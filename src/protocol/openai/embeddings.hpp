#pragma once
// OpenAI embeddings requests: validation of `model` and `input`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "protocol/openai/errors.hpp"

namespace kaos::protocol::openai {

struct EmbeddingsRequestInfo {
  std::string_view model;
  /// Inputs as text; token-id inputs (arrays of integers) are rendered as their decimal ids
  /// joined by spaces.
  std::vector<std::string> inputs;
  std::string encoding_format = "float";  ///< "float" or "base64"
  std::optional<std::int64_t> dimensions;
};

/// `input` may be a string, an array of strings, an array of integers, or an array of arrays
/// of integers (OpenAI's four forms); it must not be empty.
std::optional<FieldError> validate_embeddings_request(const json::object& req, EmbeddingsRequestInfo& info);

}  // namespace kaos::protocol::openai
