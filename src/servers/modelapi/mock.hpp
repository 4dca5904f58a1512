#pragma once
// The built-in mock model (litellm_params.model: mock/<anything>): deterministic replies,
// tool calls, streaming chunks and embeddings, computed from the request alone. The exact
// rules are documented in docs/modelapi-mock.md; the unit tests pin them. Pure; no I/O.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "protocol/openai/chat.hpp"
#include "protocol/openai/embeddings.hpp"
#include "servers/modelapi/config.hpp"

namespace kaos::modelapi::mock {

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  ///< JSON object text
};

struct Reply {
  std::string id;       ///< "chatcmpl-mock-<16 hex>"
  std::string content;  ///< empty when tool_calls are present
  std::vector<ToolCall> tool_calls;
  protocol::openai::Usage usage;
  std::string_view finish_reason() const { return tool_calls.empty() ? "stop" : "tool_calls"; }
};

/// Whitespace-separated words: the mock's token count.
std::int64_t count_tokens(std::string_view text);
/// 64-bit FNV-1a.
std::uint64_t fnv1a(std::string_view text, std::uint64_t seed = 14695981039346656037ull);

/// The reply to a validated chat request.
Reply reply_to(const json::object& request, const MockSettings& settings);

/// Non-streaming chat.completion JSON.
std::string completion_json(const Reply& r, std::string_view model, std::int64_t created);

/// Streaming chunk payloads (JSON text, without SSE framing), in order: role, content pieces
/// or tool-call deltas, the finish chunk, and the usage chunk when `include_usage`.
std::vector<std::string> chunk_payloads(const Reply& r, std::string_view model, std::int64_t created, int chunks,
                                        bool include_usage);

/// Content split into streaming pieces: one per word (a word keeps its leading whitespace),
/// or `chunks` nearly equal groups of words when chunks > 0.
std::vector<std::string> split_content(std::string_view content, int chunks);

/// Deterministic unit-length vector for `text`.
std::vector<float> embedding_for(std::string_view text, int dim);
/// Bound on inputs × dimensions of one mock embeddings answer: 2^20 values is about 13 MB of
/// JSON (a 1.5 KB request asking 300 inputs × 65,536 dimensions would otherwise get 429 MB).
inline constexpr std::size_t kMaxEmbeddingValues = std::size_t{1} << 20;
/// Why a request is over kMaxEmbeddingValues (the message of a 400), or nullopt when it fits.
std::optional<std::string> embeddings_too_large(const protocol::openai::EmbeddingsRequestInfo& req, int dim);
/// The embeddings response JSON (float arrays or base64 float32 little-endian).
std::string embeddings_json(const protocol::openai::EmbeddingsRequestInfo& req, std::string_view model, int dim);

}  // namespace kaos::modelapi::mock
