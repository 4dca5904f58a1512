#pragma once
// Terminal output shared by the commands that talk to agents and model APIs: aligned tables,
// colour only on a terminal (and never with NO_COLOR), JSON for scripts, short previews.
#include <cstdio>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace kaos::cli {

/// Kubernetes objects on stdout for `kubectl apply -f -`: `output` "json" prints one v1 List
/// (kubectl applies its items one by one), anything else a YAML stream of '---' documents.
void print_kubernetes_objects(const json::array& objects, std::string_view output);

/// True when `stream` (stdout or stderr) is a terminal.
bool is_tty(std::FILE* stream);

/// ANSI styling for one stream: enabled when that stream is a terminal and NO_COLOR is unset
/// or empty (https://no-color.org). Disabled styles return the text unchanged.
class Style {
 public:
  explicit Style(std::FILE* stream);
  static Style plain() { return Style(false); }
  bool enabled() const { return enabled_; }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
  std::string cyan(std::string_view s) const { return wrap("36", s); }

 private:
  explicit Style(bool enabled) : enabled_(enabled) {}
  std::string wrap(std::string_view code, std::string_view s) const;
  bool enabled_;
};

/// An aligned table: a header row and cells padded to the widest entry of each column (width
/// counted in UTF-8 code points, colour escapes ignored, so cells may be styled). The last
/// column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }
  /// Writes the table; headers bold when `style` is enabled.
  void print(std::ostream& out, const Style& style) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// Number of code points in UTF-8 text, ANSI colour escapes not counted (the display width of
/// the text we print).
std::size_t display_width(std::string_view s);
/// One line of at most `max` code points: newlines and tabs become spaces, runs of spaces
/// collapse, and a cut is marked with "…".
std::string preview(std::string_view s, std::size_t max);
/// A JSON value as short readable text: strings as themselves, everything else compact JSON.
std::string value_text(const json::value& v);
/// Pretty JSON followed by a newline, to stdout.
void print_json(const json::value& v);
/// ISO 8601 "2026-01-01T10:00:00.123456Z" → "2026-01-01 10:00:00" (input returned when not ISO).
std::string short_time(std::string_view iso);

}  // namespace kaos::cli
