// Plain HTTP message helpers: headers, response factories, SSE framing, reason phrases.
#include "net/http.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/json.hpp"
#include "net/url.hpp"

namespace kaos::net {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& f : fields_)
    if (iequals(f.name, name)) return std::string_view(f.value);
  return std::nullopt;
}

namespace {

// RFC 9110 token characters, for field names.
bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void check_field(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), token_char)) {
    throw std::invalid_argument("HTTP header name '" + std::string(name) + "' is not a token");
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    throw std::invalid_argument("HTTP header " + std::string(name) + ": the value holds CR, LF or NUL");
  }
}

}  // namespace

void Headers::set(std::string_view name, std::string_view value) {
  check_field(name, value);
  auto it = std::find_if(fields_.begin(), fields_.end(), [&](const Field& f) { return iequals(f.name, name); });
  if (it == fields_.end()) {
    fields_.push_back({std::string(name), std::string(value)});
    return;
  }
  it->value.assign(value);
  fields_.erase(std::remove_if(std::next(it), fields_.end(), [&](const Field& f) { return iequals(f.name, name); }),
                fields_.end());
}

void Headers::add(std::string_view name, std::string_view value) {
  check_field(name, value);
  fields_.push_back({std::string(name), std::string(value)});
}

void Headers::erase(std::string_view name) {
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(), [&](const Field& f) { return iequals(f.name, name); }),
                fields_.end());
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    auto eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq), true);
    if (key == name) return eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), true);
  }
  return std::nullopt;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response Response::detail(int status, std::string_view message) {
  json::object body;
  body["detail"] = message;
  return json(status, to_json(body));
}

Response Response::text(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", content_type);
  r.body = std::move(body);
  return r;
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  return r;
}

Response sse_response(int status) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", "text/event-stream");
  r.headers.add("Cache-Control", "no-cache");
  r.headers.add("X-Accel-Buffering", "no");
  return r;
}

std::string SseWriter::format(std::string_view data, std::string_view event, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!event.empty()) out.append("event: ").append(event).append("\n");
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  std::size_t start = 0;
  while (true) {
    auto nl = data.find('\n', start);
    std::string_view line = data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append("data: ").append(line).append("\n");
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out.append("\n");
  return out;
}

Task<bool> SseWriter::event(std::string_view data, std::string_view event, std::string_view id) {
  std::string framed = format(data, event, id);
  co_return co_await out_.write(framed);
}

Task<bool> SseWriter::comment(std::string_view text) {
  std::string framed;
  framed.reserve(text.size() + 4);
  framed.append(": ").append(text).append("\n\n");
  co_return co_await out_.write(framed);
}

std::string_view status_reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace kaos::net
