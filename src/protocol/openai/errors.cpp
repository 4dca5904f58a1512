#include "protocol/openai/errors.hpp"

#include "core/json.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace kaos::protocol::openai {

std::string error_json(std::string_view message, std::string_view type, std::string_view param, std::string_view code) {
  boost::json::object e;
  e["message"] = message;
  e["type"] = type;
  if (param.empty())
    e["param"] = nullptr;
  else
    e["param"] = param;
  if (code.empty())
    e["code"] = nullptr;
  else
    e["code"] = code;
  boost::json::object root;
  root["error"] = std::move(e);
  return kaos::to_json(root);
}

}  // namespace kaos::protocol::openai
