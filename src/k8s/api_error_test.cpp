// decode_api_error and status_reason on answers written by hand: Status bodies, proxies' plain
// bodies, Retry-After in the header or the Status details.
#include "k8s/api_error.hpp"

#include <gtest/gtest.h>

namespace kaos::k8s {
namespace {

TEST(ApiError, StatusBodyGivesReasonMessageAndCauses) {
  net::Headers headers;
  auto e = decode_api_error(422, headers,
                            R"({"kind": "Status", "status": "Failure", "reason": "Invalid", "code": 422,
                                "message": "Agent \"a\" is invalid",
                                "details": {"causes": [{"field": "spec.model", "message": "Required value"}]}})",
                            "create agents default/a");
  EXPECT_EQ(e.kind, ErrorKind::http);
  EXPECT_EQ(e.http_status, 422);
  EXPECT_EQ(e.reason, "Invalid");
  EXPECT_EQ(status_reason(e), StatusReason::invalid);
  EXPECT_NE(e.message.find("create agents default/a: "), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("spec.model: Required value"), std::string::npos) << e.message;
}

TEST(ApiError, PlainBodiesFallBackToTheStatusCode) {
  net::Headers headers;
  auto missing = decode_api_error(404, headers, "404 page not found", "get x");
  EXPECT_EQ(missing.kind, ErrorKind::not_found);
  EXPECT_EQ(missing.reason, "NotFound");
  EXPECT_EQ(status_reason(missing), StatusReason::not_found);
  auto gone = decode_api_error(410, headers, "", "watch x");
  EXPECT_EQ(status_reason(gone), StatusReason::expired);
  auto bad_gateway = decode_api_error(502, headers, "<html>", "get x");
  EXPECT_EQ(status_reason(bad_gateway), StatusReason::other);
  EXPECT_EQ(status_reason(Error::timeout("no answer")), StatusReason::other);
}

TEST(ApiError, RetryAfterFromHeaderOrDetails) {
  net::Headers headers;
  headers.set("Retry-After", "3");
  auto from_header = decode_api_error(429, headers, R"({"kind": "Status", "reason": "TooManyRequests"})", "list x");
  EXPECT_EQ(from_header.retry_after, std::chrono::seconds(3));
  EXPECT_EQ(status_reason(from_header), StatusReason::too_many_requests);
  auto from_details =
      decode_api_error(429, net::Headers{}, R"({"kind": "Status", "details": {"retryAfterSeconds": 9}})", "list x");
  EXPECT_EQ(from_details.retry_after, std::chrono::seconds(9));
  EXPECT_EQ(from_details.reason, "TooManyRequests");
  net::Headers date;
  date.set("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
  EXPECT_FALSE(decode_api_error(503, date, "", "get x").retry_after.has_value());
}

TEST(ApiError, ReasonWinsOverTheCode) {
  // AlreadyExists and Conflict share 409: the reason tells them apart.
  auto exists = decode_api_error(409, net::Headers{}, R"({"kind": "Status", "reason": "AlreadyExists"})", "create x");
  EXPECT_EQ(status_reason(exists), StatusReason::already_exists);
  auto conflict = decode_api_error(409, net::Headers{}, R"({"kind": "Status", "reason": "Conflict"})", "update x");
  EXPECT_EQ(status_reason(conflict), StatusReason::conflict);
}

}  // namespace
}  // namespace kaos::k8s
