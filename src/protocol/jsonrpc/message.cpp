#include "protocol/jsonrpc/message.hpp"

#include <boost/json/serialize.hpp>

namespace kaos::protocol::jsonrpc {
namespace {

Incoming reject(int code, std::string message, json::value id = nullptr) {
  Incoming in;
  in.rejection = ErrorObject{code, std::move(message), std::nullopt};
  in.reply_id = std::move(id);
  return in;
}

bool valid_id(const json::value& id) {
  return id.is_string() || id.is_number() || id.is_null();
}

}  // namespace

Incoming parse_value(const json::value& v) {
  if (!v.is_object()) return reject(kInvalidRequest, "Invalid Request: a message must be a JSON object");
  const auto& o = v.get_object();
  json::value id = (o.contains("id") && valid_id(o.at("id"))) ? o.at("id") : json::value(nullptr);
  auto version = string_field(o, "jsonrpc");
  if (!version || *version != "2.0") return reject(kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"", id);
  if (o.contains("id") && !valid_id(o.at("id")))
    return reject(kInvalidRequest, "Invalid Request: \"id\" must be a string, a number or null");

  Message m;
  if (o.contains("method")) {
    const auto& method = o.at("method");
    if (!method.is_string()) return reject(kInvalidRequest, "Invalid Request: \"method\" must be a string", id);
    m.method = std::string(method.get_string());
    if (const auto* p = find_field(o, "params")) {
      if (!p->is_object() && !p->is_array())
        return reject(kInvalidRequest, "Invalid Request: \"params\" must be an object or an array", id);
      m.params = *p;
    }
    if (o.contains("id")) {
      m.kind = Message::Kind::request;
      m.id = o.at("id");
    } else {
      m.kind = Message::Kind::notification;
    }
  } else if (o.contains("result") || o.contains("error")) {
    if (o.contains("result") && o.contains("error"))
      return reject(kInvalidRequest, "Invalid Request: a response has \"result\" or \"error\", not both", id);
    if (!o.contains("id")) return reject(kInvalidRequest, "Invalid Request: a response must carry \"id\"");
    m.id = o.at("id");
    if (o.contains("result")) {
      m.kind = Message::Kind::response;
      m.result = o.at("result");
    } else {
      const auto& e = o.at("error");
      const auto* eo = e.if_object();
      auto code = eo ? int_field(*eo, "code") : std::nullopt;
      auto message = eo ? string_field(*eo, "message") : std::nullopt;
      if (!code || !message)
        return reject(kInvalidRequest,
                      "Invalid Request: \"error\" must be an object with integer \"code\" and string \"message\"", id);
      m.kind = Message::Kind::error;
      m.error.code = static_cast<int>(*code);
      m.error.message = std::string(*message);
      if (const auto* d = find_field(*eo, "data")) m.error.data = *d;
    }
  } else {
    return reject(
        kInvalidRequest,
        "Invalid Request: expected \"method\" (a request or notification) or \"result\"/\"error\" (a response)", id);
  }
  Incoming in;
  in.reply_id = m.id;
  in.message = std::move(m);
  return in;
}

IncomingBatch parse(std::string_view body, std::size_t max_batch) {
  IncomingBatch out;
  auto doc = parse_json(body);
  if (!doc) {
    out.items.push_back(reject(kParseError, "Parse error: " + doc.error().message));
    return out;
  }
  if (!doc->is_array()) {
    out.items.push_back(parse_value(*doc));
    return out;
  }
  out.batch = true;
  const auto& a = doc->get_array();
  if (a.empty()) {
    out.batch = false;  // the spec answers an empty batch with a single error, not an array
    out.items.push_back(reject(kInvalidRequest, "Invalid Request: empty batch"));
    return out;
  }
  if (a.size() > max_batch) {
    out.batch = false;
    out.items.push_back(reject(kInvalidRequest, "Invalid Request: batch of " + std::to_string(a.size()) +
                                                    " messages exceeds the limit of " + std::to_string(max_batch)));
    return out;
  }
  out.items.reserve(a.size());
  for (const auto& v : a) out.items.push_back(parse_value(v));
  return out;
}

// The envelopes are written around the serialized parts instead of building a JSON object
// that would deep-copy `params`/`result` first (tool results and lists can be large).
std::string request_json(const json::value& id, std::string_view method, const json::value& params) {
  std::string out =
      R"({"jsonrpc":"2.0","id":)" + json::serialize(id) + R"(,"method":)" + json::serialize(json::string_view(method));
  if (!params.is_null()) out += R"(,"params":)" + json::serialize(params);
  return out + "}";
}

std::string notification_json(std::string_view method, const json::value& params) {
  std::string out = R"({"jsonrpc":"2.0","method":)" + json::serialize(json::string_view(method));
  if (!params.is_null()) out += R"(,"params":)" + json::serialize(params);
  return out + "}";
}

std::string result_json(const json::value& id, const json::value& result) {
  return R"({"jsonrpc":"2.0","id":)" + json::serialize(id) + R"(,"result":)" + json::serialize(result) + "}";
}

json::object error_object(const json::value& id, const ErrorObject& error) {
  json::object e{{"code", error.code}, {"message", error.message}};
  if (error.data) e["data"] = *error.data;
  return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(e)}};
}

std::string error_json(const json::value& id, const ErrorObject& error) {
  return json::serialize(error_object(id, error));
}

}  // namespace kaos::protocol::jsonrpc
