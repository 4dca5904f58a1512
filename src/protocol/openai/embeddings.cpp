#include "protocol/openai/embeddings.hpp"

namespace kaos::protocol::openai {

namespace {
std::optional<std::string> ids_text(const json::array& a) {
  std::string out;
  for (const auto& v : a) {
    auto n = as_int64(v);
    if (!n) return std::nullopt;
    if (!out.empty()) out += ' ';
    out += std::to_string(*n);
  }
  return out;
}
}  // namespace

std::optional<FieldError> validate_embeddings_request(const json::object& req, EmbeddingsRequestInfo& info) {
  const auto* model = req.if_contains("model");
  if (!model || model->is_null()) return FieldError{"model", "'model' is required"};
  if (!model->is_string() || model->get_string().empty())
    return FieldError{"model", "'model' must be a non-empty string"};
  info.model = model->get_string();
  const auto* input = req.if_contains("input");
  if (!input || input->is_null()) return FieldError{"input", "'input' is required"};
  const char* shape =
      "'input' must be a string, an array of strings, an array of token ids or an array of arrays of token ids";
  if (input->is_string()) {
    info.inputs.emplace_back(input->get_string());
  } else if (input->is_array()) {
    const auto& a = input->get_array();
    if (a.empty()) return FieldError{"input", "'input' must not be empty"};
    if (a.front().is_number()) {
      auto t = ids_text(a);
      if (!t) return FieldError{"input", shape};
      info.inputs.push_back(std::move(*t));
    } else {
      for (const auto& v : a) {
        if (v.is_string())
          info.inputs.emplace_back(v.get_string());
        else if (v.is_array()) {
          auto t = ids_text(v.get_array());
          if (!t) return FieldError{"input", shape};
          info.inputs.push_back(std::move(*t));
        } else
          return FieldError{"input", shape};
      }
    }
  } else {
    return FieldError{"input", shape};
  }
  if (const auto* f = req.if_contains("encoding_format"); f && !f->is_null()) {
    if (!f->is_string() || (f->get_string() != "float" && f->get_string() != "base64"))
      return FieldError{"encoding_format", "'encoding_format' must be \"float\" or \"base64\""};
    info.encoding_format = std::string(f->get_string());
  }
  if (const auto* d = req.if_contains("dimensions"); d && !d->is_null()) {
    auto n = as_int64(*d);
    if (!n || *n < 1 || *n > 65536) return FieldError{"dimensions", "'dimensions' must be an integer in [1, 65536]"};
    info.dimensions = *n;
  }
  return std::nullopt;
}

}  // namespace kaos::protocol::openai
