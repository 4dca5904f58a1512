// frame_requests: the server's request framing over bytes (the fuzz target's entry point,
// fuzz/http_request_fuzz.cpp). The wire behaviour itself is tested over sockets in
// server_limits_test.cpp; these pin that the entry point frames as a connection does.
#include "net/request_framing.hpp"

#include <gtest/gtest.h>

namespace kaos::net {
namespace {

TEST(RequestFraming, KeepAliveRequestsFollowEachOtherUntilClose) {
  std::string bytes =
      "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /b%20c HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
      "GET /never HTTP/1.1\r\nHost: h\r\n\r\n";
  for (std::size_t chunk : {0, 1, 7}) {
    auto out = frame_requests(bytes, ServerOptions{}, chunk);
    ASSERT_EQ(out.requests.size(), 2u) << "chunk " << chunk;
    EXPECT_EQ(out.requests[0].path, "/a");
    EXPECT_EQ(out.requests[0].query, "x=1");
    EXPECT_EQ(out.requests[1].path, "/b c");
    EXPECT_EQ(out.requests[1].body, "abc");
    EXPECT_EQ(out.reject_status, 0);
  }
}

TEST(RequestFraming, ChunkedBodyIsDecoded) {
  auto out = frame_requests("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                            ServerOptions{}, 2);
  ASSERT_EQ(out.requests.size(), 1u);
  EXPECT_EQ(out.requests[0].body, "abc");
}

TEST(RequestFraming, LimitsAndMalformedInputGetTheServersAnswers) {
  ServerOptions small;
  small.header_limit = 64;
  small.body_limit = 4;
  auto headers = frame_requests("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", small);
  EXPECT_EQ(headers.reject_status, 431);
  EXPECT_TRUE(headers.requests.empty());
  auto body = frame_requests("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde", small);
  EXPECT_EQ(body.reject_status, 413);
  auto garbage = frame_requests("THIS IS NOT HTTP\r\n\r\n", ServerOptions{});
  EXPECT_EQ(garbage.reject_status, 400);
  EXPECT_NE(garbage.reject_message.find("malformed HTTP request"), std::string::npos);
}

TEST(RequestFraming, ClientLeavingIsNoAnswer) {
  EXPECT_EQ(frame_requests("", ServerOptions{}).reject_status, 0);
  auto partial = frame_requests("GET / HTTP/1.1\r\nHost:", ServerOptions{});
  EXPECT_EQ(partial.reject_status, 0);
  EXPECT_TRUE(partial.requests.empty());
}

}  // namespace
}  // namespace kaos::net
