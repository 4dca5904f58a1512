#pragma once
// Validation findings. Every finding names the field path it is about ("spec.config.memory")
// so messages read `Agent/coordinator: spec.model: required`.
#include <string>
#include <string_view>
#include <vector>

namespace kaos::api {

enum class Severity {
  Error,    ///< the manifest would be rejected (by the API server or by the controller)
  Warning,  ///< accepted, but probably not what the author meant
  Note,     ///< informational, e.g. a reference resolved only in the cluster
};

std::string_view severity_name(Severity s);  ///< "error", "warning", "note"

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string path;     ///< dotted field path, e.g. "spec.container.env[0].name"; empty = whole object
  std::string message;  ///< e.g. "must be between 1 and 20, got 50"

  /// "path: message" for errors, "warning: path: message" otherwise (path omitted when empty).
  std::string to_string() const;
};

class Diagnostics {
 public:
  void error(std::string path, std::string message) { add(Severity::Error, std::move(path), std::move(message)); }
  void warning(std::string path, std::string message) { add(Severity::Warning, std::move(path), std::move(message)); }
  void note(std::string path, std::string message) { add(Severity::Note, std::move(path), std::move(message)); }
  void add(Severity s, std::string path, std::string message) {
    items_.push_back({s, std::move(path), std::move(message)});
  }
  void append(const Diagnostics& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }

  const std::vector<Diagnostic>& items() const { return items_; }
  bool has_errors() const;
  std::size_t error_count() const;

 private:
  std::vector<Diagnostic> items_;
};

/// Joins a field path: join_path("spec", "model") == "spec.model"; join_path("", "spec") == "spec".
std::string join_path(std::string_view parent, std::string_view field);
/// Appends an index: index_path("spec.env", 2) == "spec.env[2]".
std::string index_path(std::string_view parent, std::size_t index);

}  // namespace kaos::api
