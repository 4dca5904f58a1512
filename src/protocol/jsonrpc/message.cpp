#include "protocol/jsonrpc/message.hpp"

#include <algorithm>

#include "protocol/jsonrpc/raw_ids.hpp"

namespace kaos::protocol::jsonrpc {

Id Id::big_integer(std::string digits, double approx) {
  Id id;
  id.value_ = approx;
  id.digits_ = std::move(digits);
  return id;
}

std::string Id::json_text() const {
  return digits_.empty() ? to_json(value_) : digits_;
}

namespace {

Incoming reject(int code, std::string message, Id id = nullptr) {
  Incoming in;
  in.rejection = ErrorObject{code, std::move(message), std::nullopt};
  in.reply_id = std::move(id);
  return in;
}

bool is_integer_text(std::string_view t) {
  if (!t.empty() && t.front() == '-') t.remove_prefix(1);
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The id of a message, or nullopt when it is not one (a fractional or non-finite number, an
/// object...). A double is an integer beyond 64 bits only when its raw text says so.
std::optional<Id> read_id(const json::value& id, std::string_view id_text) {
  if (id.is_string() || id.is_int64() || id.is_uint64() || id.is_null()) return Id(id);
  if (id.is_double() && is_integer_text(id_text)) return Id::big_integer(std::string(id_text), id.get_double());
  return std::nullopt;
}

}  // namespace

Incoming parse_value(const json::value& v, std::string_view id_text) {
  if (!v.is_object()) return reject(kInvalidRequest, "Invalid Request: a message must be a JSON object");
  const auto& o = v.get_object();
  std::optional<Id> read = o.contains("id") ? read_id(o.at("id"), id_text) : Id();
  Id id = read.value_or(Id());
  auto version = string_field(o, "jsonrpc");
  if (!version || *version != "2.0") return reject(kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"", id);
  if (!read)
    return reject(kInvalidRequest,
                  "Invalid Request: \"id\" must be a string or an integer (not a fraction, an exponent or a "
                  "non-finite number)");

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
      m.id = id;
    } else {
      m.kind = Message::Kind::notification;
    }
  } else if (o.contains("result") || o.contains("error")) {
    if (o.contains("result") && o.contains("error"))
      return reject(kInvalidRequest, "Invalid Request: a response has \"result\" or \"error\", not both", id);
    if (!o.contains("id")) return reject(kInvalidRequest, "Invalid Request: a response must carry \"id\"");
    m.id = id;
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
  // Raw id texts are needed only for ids Boost.JSON read as doubles (rare): scan only then.
  auto has_double_id = [](const json::value& m) {
    const auto* o = m.if_object();
    const auto* id = o ? o->if_contains("id") : nullptr;
    return id != nullptr && id->is_double();
  };
  if (!doc->is_array()) {
    std::vector<std::string_view> raw;
    if (has_double_id(*doc)) raw = detail::raw_ids(body, 1);
    out.items.push_back(parse_value(*doc, raw.empty() ? std::string_view() : raw.front()));
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
  std::vector<std::string_view> raw;
  if (std::any_of(a.begin(), a.end(), has_double_id)) raw = detail::raw_ids(body, a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out.items.push_back(parse_value(a[i], i < raw.size() ? raw[i] : ""));
  return out;
}

// The envelopes are written around the serialized parts instead of building a JSON object
// that would deep-copy `params`/`result` first (tool results and lists can be large).
std::string request_json(const Id& id, std::string_view method, const json::value& params) {
  std::string out =
      R"({"jsonrpc":"2.0","id":)" + id.json_text() + R"(,"method":)" + to_json(json::value(json::string_view(method)));
  if (!params.is_null()) out += R"(,"params":)" + to_json(params);
  return out + "}";
}

std::string notification_json(std::string_view method, const json::value& params) {
  std::string out = R"({"jsonrpc":"2.0","method":)" + to_json(json::value(json::string_view(method)));
  if (!params.is_null()) out += R"(,"params":)" + to_json(params);
  return out + "}";
}

std::string result_json(const Id& id, const json::value& result) {
  return R"({"jsonrpc":"2.0","id":)" + id.json_text() + R"(,"result":)" + to_json(result) + "}";
}

json::object error_object(const json::value& id, const ErrorObject& error) {
  json::object e{{"code", error.code}, {"message", error.message}};
  if (error.data) e["data"] = *error.data;
  return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(e)}};
}

std::string error_json(const Id& id, const ErrorObject& error) {
  json::object e{{"code", error.code}, {"message", error.message}};
  if (error.data) e["data"] = *error.data;
  return R"({"jsonrpc":"2.0","id":)" + id.json_text() + R"(,"error":)" + to_json(e) + "}";
}

}  // namespace kaos::protocol::jsonrpc
