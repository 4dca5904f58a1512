#pragma once
// Manifest sets: the documents of one or more sources (files, stdin), each parsed, defaulted
// and validated into a Resource, then checked against each other (an Agent's model against
// its ModelAPI when both are in the set). Pure: the caller reads the files.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/diagnostics.hpp"
#include "api/resource.hpp"

namespace kaos::api {

/// One object of a manifest set (a document, or an item of a `kind: List`), with its findings.
struct ManifestEntry {
  std::string source;  ///< file name as given, "<stdin>", or "" for in-memory input
  int line = 0;        ///< first line of the document (1-based; items of a List share it); 0 = unknown
  std::string kind;    ///< as written; empty when missing
  std::string name;    ///< metadata.name as written; empty when missing
  std::string namespace_;
  bool kaos_kind = false;            ///< one of the four modelled kinds
  std::optional<Resource> resource;  ///< set when the entry has no errors
  Diagnostics diagnostics;

  bool has_errors() const { return diagnostics.has_errors(); }
  /// "Agent/coordinator"; "Agent/<unnamed>"; "<document>" when kind is missing.
  std::string label() const;
  /// "file:line: " (or "file: ", or "" for in-memory input).
  std::string location() const;
  /// Full line for one finding: `examples/x.yaml:12: Agent/coordinator: spec.model: required`.
  std::string format(const Diagnostic& d) const;
};

struct ManifestSet {
  std::vector<ManifestEntry> entries;
  bool has_errors() const;
};

struct LoadOptions {
  std::string default_namespace = "default";
};

/// Parses `text` (a YAML stream, or JSON when `source` ends in ".json") and appends one entry
/// per object. A parse failure becomes one entry with kind "" and the parser's message.
void add_manifest_text(ManifestSet& set, std::string_view text, std::string_view source,
                       const LoadOptions& options = {});

/// Validates one parsed document (no List expansion) into an entry.
ManifestEntry validate_document(json::value document, const LoadOptions& options = {});

/// Checks between the entries of a set (call once, after every source was added): duplicates,
/// Agent model vs ModelAPI in the same set and namespace, and notes for references that are
/// not in the set (they may exist in the cluster; not an error).
void check_manifest_set(ManifestSet& set);

/// Convenience: parse every (source, text) pair, then check_manifest_set.
ManifestSet load_manifests(const std::vector<std::pair<std::string, std::string>>& sources,
                           const LoadOptions& options = {});

}  // namespace kaos::api
