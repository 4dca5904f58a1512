#include "api/field_io.hpp"

namespace kaos::api {

void read_value(const json::value& v, std::string& out) {
  if (v.is_string()) out = std::string(v.get_string());
}
void read_value(const json::value& v, bool& out) {
  if (v.is_bool()) out = v.get_bool();
}
void read_value(const json::value& v, std::int32_t& out) {
  if (auto i = as_int64(v)) out = static_cast<std::int32_t>(*i);
}
void read_value(const json::value& v, std::int64_t& out) {
  if (auto i = as_int64(v)) out = *i;
}
void read_value(const json::value& v, double& out) {
  if (auto d = as_double(v)) out = *d;
}
void read_value(const json::value& v, json::value& out) {
  out = v;
}
void read_value(const json::value& v, json::object& out) {
  if (v.is_object()) out = v.get_object();
}

bool omitted(const json::value& v, bool from_optional) {
  if (v.is_null()) return true;
  if (from_optional) return false;  // a Go pointer: written even when it points to zero
  if (v.is_string()) return v.get_string().empty();
  if (v.is_array()) return v.get_array().empty();
  if (v.is_object()) return v.get_object().empty();
  return false;
}

}  // namespace kaos::api
