#include "cli/output.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "core/yaml.hpp"

namespace kaos::cli {

void print_kubernetes_objects(const json::array& objects, std::string_view output) {
  if (output == "json") {
    std::cout << to_pretty_json(json::object{{"apiVersion", "v1"}, {"kind", "List"}, {"items", objects}}) << "\n";
    return;
  }
  for (const auto& object : objects) std::cout << "---\n" << to_yaml(object);
}

bool is_tty(std::FILE* stream) {
  return ::isatty(::fileno(stream)) == 1;
}

namespace {
bool color_allowed() {
  const char* no_color = std::getenv("NO_COLOR");
  return no_color == nullptr || *no_color == '\0';
}
}  // namespace

Style::Style(std::FILE* stream) : enabled_(is_tty(stream) && color_allowed()) {}

std::string Style::wrap(std::string_view code, std::string_view s) const {
  if (!enabled_ || s.empty()) return std::string(s);
  return "\x1b[" + std::string(code) + "m" + std::string(s) + "\x1b[0m";
}

std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {  // SGR escape: no width
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

void Table::print(std::ostream& out, const Style& style) const {
  std::vector<std::size_t> width(headers_.size(), 0);
  for (std::size_t i = 0; i < headers_.size(); ++i) width[i] = display_width(headers_[i]);
  for (const auto& row : rows_)
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], display_width(row[i]));
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string text;
    for (std::size_t i = 0; i < headers_.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      const bool last = i + 1 == headers_.size();
      std::string padded = cell;
      if (!last) padded += std::string(width[i] - display_width(cell) + 2, ' ');
      text += header ? style.bold(padded) : padded;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  line(headers_, true);
  for (const auto& row : rows_) line(row, false);
}

std::string preview(std::string_view s, std::size_t max) {
  std::string flat;
  flat.reserve(s.size());
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && !flat.empty() && flat.back() == ' ') continue;
    flat += c;
  }
  while (!flat.empty() && flat.back() == ' ') flat.pop_back();
  while (!flat.empty() && flat.front() == ' ') flat.erase(0, 1);
  if (display_width(flat) <= max) return flat;
  // Cut at a code point boundary.
  std::size_t points = 0;
  std::size_t i = 0;
  for (; i < flat.size(); ++i) {
    if ((static_cast<unsigned char>(flat[i]) & 0xC0) != 0x80) {
      if (points == (max > 0 ? max - 1 : 0)) break;
      ++points;
    }
  }
  return flat.substr(0, i) + "…";
}

std::string value_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return "";
  return to_json(v);
}

void print_json(const json::value& v) {
  std::cout << to_pretty_json(v) << "\n";
}

std::string short_time(std::string_view iso) {
  // 2026-01-01T10:00:00[.fraction][Z|+hh:mm]
  if (iso.size() < 19 || iso[10] != 'T') return std::string(iso);
  std::string out(iso.substr(0, 19));
  out[10] = ' ';
  return out;
}

}  // namespace kaos::cli
