#include "core/yaml.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace kaos {
namespace {

// A number beyond double's range reads as +-inf (or 0 when too small), as Boost.JSON reads
// JSON numbers; std::stod would throw std::out_of_range out of the parser instead (`timeout:
// 1e400` aborted `kaos validate` and `kaos modelapi`; found by fuzz/litellm_config).
double to_double(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);
}

// 0x / 0o digits; beyond int64 the magnitude is kept as a double, as for decimal integers.
json::value based_integer(std::string_view digits, int base) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (ec == std::errc() && p == digits.data() + digits.size()) return v;
  double d = 0;
  for (char c : digits) d = d * base + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  return d;
}

// YAML 1.2 core schema resolution of plain scalars.
json::value resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex int_re(R"([-+]?[0-9]+)");
  static const std::regex hex_re(R"(0x[0-9a-fA-F]+)");
  static const std::regex oct_re(R"(0o[0-7]+)");
  static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, int_re)) {
    std::int64_t v = 0;
    const char* b = s.data() + (s[0] == '+' ? 1 : 0);
    auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
    return to_double(s);  // out of int64 range: keep the magnitude
  }
  if (std::regex_match(s, hex_re)) return based_integer(std::string_view(s).substr(2), 16);
  if (std::regex_match(s, oct_re)) return based_integer(std::string_view(s).substr(2), 8);
  if (std::regex_match(s, float_re)) return to_double(s);
  if (s == ".inf" || s == ".Inf" || s == "+.inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
  return json::string(s);
}

struct Converter {
  std::size_t max_nodes;
  std::size_t nodes = 0;

  Result<json::value> convert(const YAML::Node& n, int depth) {
    if (++nodes > max_nodes)
      return Error::invalid("YAML document too large (more than " + std::to_string(max_nodes) + " nodes)");
    if (depth > 128) return Error::invalid("YAML nested too deeply (more than 128 levels)");
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return json::value(nullptr);
      case YAML::NodeType::Scalar: {
        // Tag "!" marks a quoted (non-plain) scalar: always a string. "?" is a plain scalar.
        if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return json::value(json::string(n.Scalar()));
        return resolve_plain(n.Scalar());
      }
      case YAML::NodeType::Sequence: {
        json::array a;
        a.reserve(n.size());
        for (const auto& item : n) {
          auto v = convert(item, depth + 1);
          if (!v) return v;
          a.push_back(std::move(*v));
        }
        return json::value(std::move(a));
      }
      case YAML::NodeType::Map: {
        json::object o;
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) {
            return Error::invalid("line " + std::to_string(kv.first.Mark().line + 1) +
                                  ": mapping keys must be scalars");
          }
          auto v = convert(kv.second, depth + 1);
          if (!v) return v;
          o[kv.first.Scalar()] = std::move(*v);
        }
        return json::value(std::move(o));
      }
    }
    return json::value(nullptr);
  }
};

std::string yaml_error(const YAML::Exception& e) {
  std::string msg = e.msg;
  if (!e.mark.is_null()) {
    return "line " + std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1) + ": " + msg;
  }
  return msg;
}

// Receives the parser's events and keeps nothing: only the number of documents matters.
class DiscardEvents final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp 0.7 never consumes a ',' outside a flow collection where a document's node would
// start (",a: 1", "{a: 1},"): each call then yields one more empty document, and LoadAll
// loops forever, growing (found by fuzz/litellm_config). Every real document consumes at
// least one byte, so a stream cannot hold more documents than bytes: past that, refuse it.
Result<void> check_documents_end(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DiscardEvents events;
  std::size_t documents = 0;
  while (parser.HandleNextDocument(events)) {
    if (++documents > text.size() + 1)
      return Error::invalid(
          "invalid YAML: the document stream never ends; a ',' outside [...] or {...} where a value or key "
          "should start (e.g. a line beginning with ',') is the usual cause: remove it or quote the value");
  }
  return {};
}

}  // namespace

Result<std::vector<YamlDocument>> parse_yaml_documents(std::string_view text, std::size_t max_nodes) {
  std::vector<YamlDocument> docs;
  try {
    std::string owned(text);
    if (auto ends = check_documents_end(owned); !ends) return ends.error();
    auto nodes = YAML::LoadAll(owned);
    Converter conv{max_nodes};
    for (const auto& n : nodes) {
      if (!n.IsDefined() || n.IsNull()) continue;
      auto v = conv.convert(n, 0);
      if (!v) return v.error();
      docs.push_back({std::move(*v), n.Mark().is_null() ? 1 : n.Mark().line + 1});
    }
  } catch (const YAML::Exception& e) {
    return Error::invalid("invalid YAML: " + yaml_error(e));
  }
  return docs;
}

Result<json::value> parse_yaml(std::string_view text) {
  auto docs = parse_yaml_documents(text);
  if (!docs) return docs.error();
  if (docs->empty()) return json::value(nullptr);
  if (docs->size() > 1) return Error::invalid("expected one YAML document, found " + std::to_string(docs->size()));
  return std::move(docs->front().value);
}

namespace {

bool needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  json::value resolved = resolve_plain(std::string(s));
  if (!resolved.is_string()) return true;  // would read back as a number/bool/null
  static const std::string_view specials = ":#{}[],&*!|>'\"%@`";
  if (specials.find(s.front()) != std::string_view::npos || s.front() == '-' || s.front() == '?' || s.front() == ' ' ||
      s.back() == ' ')
    return true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\n' || c == '\t' || c == '\r' || static_cast<unsigned char>(c) < 0x20) return true;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return true;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return true;
  }
  return false;
}

void scalar(std::string& out, const json::value& v) {
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (needs_quotes(s))
      out += json::serialize(v);  // JSON strings are valid double-quoted YAML
    else
      out += s;
  } else {
    out += json::serialize(v);
  }
}

bool is_scalar(const json::value& v) {
  return !(v.is_object() && !v.get_object().empty()) && !(v.is_array() && !v.get_array().empty());
}

void emit(std::string& out, const json::value& v, int indent);

void emit_object(std::string& out, const json::object& o, int indent, bool first_inline) {
  bool first = true;
  for (const auto& kv : o) {
    if (!(first && first_inline)) out.append(static_cast<std::size_t>(indent), ' ');
    first = false;
    json::value key(kv.key());
    scalar(out, key);
    out += ":";
    const auto& val = kv.value();
    if (is_scalar(val)) {
      out += " ";
      if (val.is_object())
        out += "{}";
      else if (val.is_array())
        out += "[]";
      else
        scalar(out, val);
      out += "\n";
    } else if (val.is_object()) {
      out += "\n";
      emit_object(out, val.get_object(), indent + 2, false);
    } else {
      out += "\n";
      emit(out, val, indent);
    }
  }
}

void emit(std::string& out, const json::value& v, int indent) {
  if (v.is_object() && !v.get_object().empty()) {
    emit_object(out, v.get_object(), indent, false);
  } else if (v.is_array() && !v.get_array().empty()) {
    for (const auto& item : v.get_array()) {
      out.append(static_cast<std::size_t>(indent), ' ');
      out += "- ";
      if (item.is_object() && !item.get_object().empty()) {
        emit_object(out, item.get_object(), indent + 2, true);
      } else if (item.is_array() && !item.get_array().empty()) {
        out += "\n";
        emit(out, item, indent + 2);
      } else {
        if (item.is_object())
          out += "{}";
        else if (item.is_array())
          out += "[]";
        else
          scalar(out, item);
        out += "\n";
      }
    }
  } else {
    if (v.is_object())
      out += "{}";
    else if (v.is_array())
      out += "[]";
    else
      scalar(out, v);
    out += "\n";
  }
}

}  // namespace

std::string to_yaml(const json::value& v) {
  std::string out;
  emit(out, v, 0);
  return out;
}

}  // namespace kaos
