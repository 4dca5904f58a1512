#include "protocol/jsonrpc/raw_ids.hpp"

#include <string>

namespace kaos::protocol::jsonrpc::detail {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Index just past the string starting at `i` (body[i] == '"').
std::size_t skip_string(std::string_view body, std::size_t i) {
  for (++i; i < body.size(); ++i) {
    if (body[i] == '\\') {
      ++i;
    } else if (body[i] == '"') {
      return i + 1;
    }
  }
  return body.size();
}

// Index just past the scalar (number, true, false, null) starting at `i`.
std::size_t skip_scalar(std::string_view body, std::size_t i) {
  while (i < body.size() && !is_space(body[i]) && body[i] != ',' && body[i] != '}' && body[i] != ']') ++i;
  return i;
}

}  // namespace

std::vector<std::string_view> raw_ids(std::string_view body, std::size_t count) {
  std::vector<std::string_view> out(count);
  std::string stack;  // open containers: '{' or '['
  bool in_array_doc = false;
  std::size_t element = 0;     // index of the current element of a top-level array
  bool expect_key = false;     // inside an object, the next string is a key
  bool id_value_next = false;  // the last key was a message's "id"
  for (std::size_t i = 0; i < body.size();) {
    const char c = body[i];
    if (is_space(c) || c == ':') {
      ++i;
      continue;
    }
    // A message object is the document itself, or an element of a top-level array.
    const bool message_level = (!in_array_doc && stack.size() == 1) || (in_array_doc && stack.size() == 2);
    if (c == '{' || c == '[') {
      if (stack.empty() && c == '[') in_array_doc = true;
      stack.push_back(c);
      expect_key = c == '{';
      id_value_next = false;
      ++i;
      continue;
    }
    if (c == '}' || c == ']') {
      stack.pop_back();
      expect_key = false;
      ++i;
      continue;
    }
    if (c == ',') {
      if (in_array_doc && stack.size() == 1) ++element;
      expect_key = !stack.empty() && stack.back() == '{';
      ++i;
      continue;
    }
    const std::size_t end = c == '"' ? skip_string(body, i) : skip_scalar(body, i);
    const std::string_view token = body.substr(i, end - i);
    if (expect_key) {
      id_value_next = message_level && stack.back() == '{' && token == "\"id\"";
      expect_key = false;
    } else if (id_value_next) {
      const std::size_t slot = in_array_doc ? element : 0;
      if (slot < out.size()) out[slot] = token;
      id_value_next = false;
    }
    i = end;
  }
  return out;
}

}  // namespace kaos::protocol::jsonrpc::detail
