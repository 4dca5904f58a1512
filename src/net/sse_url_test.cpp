// SSE parser (WHATWG rules, every split point) and URL helpers.
#include <gtest/gtest.h>

#include "net/sse.hpp"
#include "net/url.hpp"

namespace kaos::net {
namespace {

std::vector<SseEvent> feed_all(std::string_view bytes) {
  SseParser p;
  return p.feed(bytes);
}

std::vector<SseEvent> feed_split(std::string_view bytes, std::size_t at) {
  SseParser p;
  auto out = p.feed(bytes.substr(0, at));
  auto more = p.feed(bytes.substr(at));
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

void expect_same(const std::vector<SseEvent>& a, const std::vector<SseEvent>& b, std::size_t at) {
  ASSERT_EQ(a.size(), b.size()) << "split at " << at;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].event, b[i].event) << "split at " << at;
    EXPECT_EQ(a[i].data, b[i].data) << "split at " << at;
    EXPECT_EQ(a[i].id, b[i].id) << "split at " << at;
    EXPECT_EQ(a[i].retry_ms, b[i].retry_ms) << "split at " << at;
    EXPECT_EQ(a[i].raw, b[i].raw) << "split at " << at;
  }
}

constexpr std::string_view kStream =
    "\xEF\xBB\xBF: comment\r\n"
    "event: delta\r\n"
    "id: 1\r\n"
    "data: {\"a\":1}\r\n"
    "\r\n"
    "data: line one\n"
    "data:line two\n"
    "data\n"
    "retry: 2500\n"
    "\n"
    "data: cr only\r"
    "\r"
    "id: 9\n"
    "event: e\n"
    "data: [DONE]\n\n";

TEST(SseParser, ParsesFieldsPerSpec) {
  auto ev = feed_all(kStream);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].event, "delta");
  EXPECT_EQ(ev[0].id, "1");
  EXPECT_EQ(ev[0].data, "{\"a\":1}");
  EXPECT_EQ(ev[0].raw, ": comment\r\nevent: delta\r\nid: 1\r\ndata: {\"a\":1}\r\n\r\n");
  EXPECT_EQ(ev[1].event, "message");
  EXPECT_EQ(ev[1].data, "line one\nline two\n");
  EXPECT_EQ(ev[1].id, "1");  // persists
  EXPECT_EQ(ev[1].retry_ms, 2500);
  EXPECT_EQ(ev[1].raw, "data: line one\ndata:line two\ndata\nretry: 2500\n\n");
  EXPECT_EQ(ev[2].data, "cr only");
  EXPECT_EQ(ev[2].raw, "data: cr only\r\r");
  EXPECT_FALSE(ev[2].retry_ms.has_value());
  EXPECT_EQ(ev[3].id, "9");
  EXPECT_EQ(ev[3].event, "e");
  EXPECT_EQ(ev[3].data, "[DONE]");
}

TEST(SseParser, EverySplitPointGivesTheSameEvents) {
  auto whole = feed_all(kStream);
  for (std::size_t at = 0; at <= kStream.size(); ++at) expect_same(whole, feed_split(kStream, at), at);
}

TEST(SseParser, ByteAtATime) {
  SseParser p;
  std::vector<SseEvent> out;
  for (char c : kStream) {
    auto ev = p.feed(std::string_view(&c, 1));
    out.insert(out.end(), ev.begin(), ev.end());
  }
  expect_same(feed_all(kStream), out, 1);
  EXPECT_EQ(p.pending(), 0u);
}

TEST(SseParser, IgnoresEmptyEventsAndBadRetry) {
  auto ev = feed_all(": ping\n\nid: 5\n\nretry: 12x\ndata: x\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].id, "5");
  EXPECT_FALSE(ev[0].retry_ms.has_value());
  EXPECT_EQ(ev[0].raw, "retry: 12x\ndata: x\n\n");
}

TEST(SseParser, KeepsIncompleteEventPendingAndBoundsSize) {
  SseParser p;
  EXPECT_TRUE(p.feed("data: part").empty());
  EXPECT_EQ(p.pending(), 10u);
  auto ev = p.feed("ial\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "partial");
  SseParser small;
  small.set_max_event_size(8);
  EXPECT_TRUE(small.feed("data: 0123456789").empty());
  EXPECT_TRUE(small.overflowed());
}

TEST(Url, ParsesHttpAndHttps) {
  auto a = parse_url("http://example.com/v1/chat?x=1#frag");
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->scheme, "http");
  EXPECT_EQ(a->host, "example.com");
  EXPECT_EQ(a->port, 80);
  EXPECT_EQ(a->target, "/v1/chat?x=1");
  EXPECT_EQ(a->origin(), "http://example.com:80");
  auto b = parse_url("HTTPS://[::1]:8443");
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_TRUE(b->tls());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 8443);
  EXPECT_EQ(b->target, "/");
  EXPECT_EQ(b->origin(), "https://[::1]:8443");
}

TEST(Url, RejectsBadUrls) {
  auto a = parse_url("ftp://x/");
  ASSERT_FALSE(a.has_value());
  EXPECT_NE(a.error().message.find("unsupported scheme 'ftp'"), std::string::npos);
  EXPECT_FALSE(parse_url("/relative").has_value());
  EXPECT_FALSE(parse_url("http:///nohost").has_value());
  EXPECT_FALSE(parse_url("http://h:99999/").has_value());
}

TEST(Url, JoinAndDecode) {
  EXPECT_EQ(join_url("http://a/v1/", "/chat"), "http://a/v1/chat");
  EXPECT_EQ(join_url("http://a/v1", "chat"), "http://a/v1/chat");
  EXPECT_EQ(join_url("http://a", ""), "http://a");
  EXPECT_EQ(percent_decode("a%20b+c%zz%4"), "a b+c%zz%4");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
}

}  // namespace
}  // namespace kaos::net
