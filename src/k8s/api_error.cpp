#include "k8s/api_error.hpp"

#include <charconv>
#include <string>

#include "core/json.hpp"

namespace kaos::k8s {
namespace {

/// metav1's reason for a status code, for answers without a Status body (a proxy's 502, …).
std::string_view reason_for_code(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "";
  }
}

std::optional<std::chrono::seconds> retry_after_header(const net::Headers& headers) {
  auto value = headers.get("Retry-After");
  if (!value) return std::nullopt;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec != std::errc{} || end != value->data() + value->size() || seconds < 0)
    return std::nullopt;  // HTTP-date: ignored
  return std::chrono::seconds(seconds);
}

/// " (spec.x: Required value; spec.y: …)" from details.causes, at most three.
std::string causes_text(const json::object& details) {
  const auto* causes = find_field(details, "causes");
  if (!causes || !causes->is_array() || causes->as_array().empty()) return {};
  std::string out;
  int shown = 0;
  for (const auto& cause : causes->as_array()) {
    if (!cause.is_object()) continue;
    if (shown == 3) {
      out += "; …";
      break;
    }
    const auto& c = cause.as_object();
    out += shown++ ? "; " : " (";
    if (auto field = string_field(c, "field"); field && !field->empty()) out += std::string(*field) + ": ";
    out += std::string(string_field(c, "message").value_or(string_field(c, "reason").value_or("")));
  }
  return shown ? out + ")" : std::string{};
}

}  // namespace

StatusReason status_reason(const Error& error) {
  const std::string& r = error.reason;
  if (r == "NotFound") return StatusReason::not_found;
  if (r == "AlreadyExists") return StatusReason::already_exists;
  if (r == "Conflict") return StatusReason::conflict;
  if (r == "Expired" || r == "Gone") return StatusReason::expired;
  if (r == "Invalid") return StatusReason::invalid;
  if (r == "Forbidden") return StatusReason::forbidden;
  if (r == "Unauthorized") return StatusReason::unauthorized;
  if (r == "TooManyRequests") return StatusReason::too_many_requests;
  if (r == "BadRequest") return StatusReason::bad_request;
  if (!r.empty() || !error.http_status) return StatusReason::other;
  switch (*error.http_status) {
    case 400:
      return StatusReason::bad_request;
    case 401:
      return StatusReason::unauthorized;
    case 403:
      return StatusReason::forbidden;
    case 404:
      return StatusReason::not_found;
    case 409:
      return StatusReason::conflict;
    case 410:
      return StatusReason::expired;
    case 422:
      return StatusReason::invalid;
    case 429:
      return StatusReason::too_many_requests;
    default:
      return StatusReason::other;
  }
}

std::string_view to_string(StatusReason reason) {
  switch (reason) {
    case StatusReason::not_found:
      return "NotFound";
    case StatusReason::already_exists:
      return "AlreadyExists";
    case StatusReason::conflict:
      return "Conflict";
    case StatusReason::expired:
      return "Expired";
    case StatusReason::invalid:
      return "Invalid";
    case StatusReason::forbidden:
      return "Forbidden";
    case StatusReason::unauthorized:
      return "Unauthorized";
    case StatusReason::too_many_requests:
      return "TooManyRequests";
    case StatusReason::bad_request:
      return "BadRequest";
    case StatusReason::other:
      return "Other";
  }
  return "Other";
}

Error decode_api_error(int status, const net::Headers& headers, std::string_view body, std::string_view what) {
  std::string message;
  std::string reason;
  std::optional<std::chrono::seconds> retry_after = retry_after_header(headers);
  auto parsed = parse_json(body);
  if (parsed && parsed->is_object() && string_field(parsed->as_object(), "kind").value_or("") == "Status") {
    const auto& s = parsed->as_object();
    message = std::string(string_field(s, "message").value_or(""));
    reason = std::string(string_field(s, "reason").value_or(""));
    if (const auto* details = find_field(s, "details"); details && details->is_object()) {
      if (auto after = int_field(details->as_object(), "retryAfterSeconds"); after && *after > 0 && !retry_after)
        retry_after = std::chrono::seconds(*after);
      message += causes_text(details->as_object());
    }
  } else {
    std::string_view text = body.substr(0, 200);
    message = "HTTP " + std::to_string(status) + (text.empty() ? "" : ": " + std::string(text));
  }
  if (reason.empty()) reason = std::string(reason_for_code(status));
  Error error =
      Error::http(status, std::string(what) + ": " + message, status == 404 ? ErrorKind::not_found : ErrorKind::http);
  error.reason = std::move(reason);
  error.retry_after = retry_after;
  return error;
}

}  // namespace kaos::k8s
