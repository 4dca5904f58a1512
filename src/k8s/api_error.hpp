#pragma once
// The API server's error answers: a non-2xx response (a `Status` body, or anything else from
// a proxy) decoded into an Error with the HTTP status, the Status reason and Retry-After, and
// the reason as an enum for code that branches on it.
#include <string_view>

#include "core/result.hpp"
#include "net/http.hpp"

namespace kaos::k8s {

/// The Status reasons controllers branch on (metav1.StatusReason), from Error::reason, or from
/// Error::http_status when the answer carried no reason.
enum class StatusReason {
  not_found,          ///< 404 NotFound
  already_exists,     ///< 409 AlreadyExists (a create of an existing name)
  conflict,           ///< 409 Conflict (stale resourceVersion, failed precondition, apply conflict)
  expired,            ///< 410 Expired / Gone (a resourceVersion or continue token too old)
  invalid,            ///< 422 Invalid (details.causes name the fields)
  forbidden,          ///< 403 Forbidden
  unauthorized,       ///< 401 Unauthorized
  too_many_requests,  ///< 429 TooManyRequests (retry_after says when)
  bad_request,        ///< 400 BadRequest
  other,              ///< anything else, including errors that are not API answers
};

/// The reason of an error from this module; `other` for errors without an HTTP status.
StatusReason status_reason(const Error& error);
/// "NotFound", "Conflict", … (metav1's spelling), "Other".
std::string_view to_string(StatusReason reason);

/// Turns a non-2xx answer into an Error: kind not_found for 404, http otherwise; http_status;
/// reason from the Status body (else the reason implied by the status code, e.g. "NotFound"
/// for 404); message "<what>: <Status.message>" (what: "GET configmaps default/x"), with the
/// first causes of an Invalid; retry_after from Retry-After (seconds) or
/// details.retryAfterSeconds.
Error decode_api_error(int status, const net::Headers& headers, std::string_view body, std::string_view what);

}  // namespace kaos::k8s
