#pragma once
// YAML → JSON. Manifests and LiteLLM configs are YAML; everything downstream works on JSON
// values, so YAML is converted once at the edge.
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos {

/// One YAML document of a stream, converted to JSON, with the line it starts on (1-based).
struct YamlDocument {
  json::value value;
  int line = 1;
};

/// Parses a (possibly multi-document, `---`-separated) YAML stream. Empty documents are
/// skipped. Plain scalars become null/bool/int/float when they read as such under YAML 1.2's
/// core schema (`true`, `10`, `1.5`, `~`); quoted scalars stay strings. Errors carry
/// "line L, column C: reason". Anchors and aliases are expanded; `max_nodes` bounds expansion.
Result<std::vector<YamlDocument>> parse_yaml_documents(std::string_view text, std::size_t max_nodes = 1'000'000);

/// Parses exactly one document (an empty stream gives null).
Result<json::value> parse_yaml(std::string_view text);

/// Renders JSON as block-style YAML (strings quoted only when needed), for `-o yaml` output
/// and generated manifests.
std::string to_yaml(const json::value& v);

}  // namespace kaos
