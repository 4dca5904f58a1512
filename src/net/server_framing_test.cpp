// Message framing as an attacker tries it: transfer codings we do not implement, request
// smuggling (Content-Length with Transfer-Encoding, conflicting lengths), and malformed input
// that must never crash or wedge the server. The client side refuses such responses too.
#include <thread>

#include "net/detail/test_support.hpp"

namespace kaos::net {
namespace {

using test::Loop;
using test::RawSocket;
using test::request;
using test::TestServer;
using tcp = boost::asio::ip::tcp;
namespace asio = boost::asio;

/// Counts the requests that reached a handler, so a test can tell nothing ran.
std::shared_ptr<Router> router(std::atomic<int>& handled) {
  auto r = std::make_shared<Router>();
  r->post("/echo", [&handled](Request& req) -> Task<Response> {
    ++handled;
    co_return Response::text(200, req.body);
  });
  r->get("/ping", [&handled](Request&) -> Task<Response> {
    ++handled;
    co_return Response::text(200, "pong");
  });
  return r;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

std::string exchange(std::uint16_t port, std::string_view bytes) {
  RawSocket s(port);
  s.send(bytes);
  return s.read_until_close();
}

TEST(ServerFraming, UnknownTransferCodingsGet501AndNothingRuns) {
  Loop loop;
  std::atomic<int> handled{0};
  TestServer srv(loop, router(handled));
  // A gzip body in chunked framing: Beast would decode the chunks and hand on the compressed
  // bytes as if they were the body.
  for (std::string te : {"gzip, chunked", "gzip,chunked", "deflate, chunked", "identity, chunked", "gzip",
                         "chunked;ext=1", "x-custom, chunked"}) {
    auto out = exchange(
        srv.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    EXPECT_TRUE(starts_with(out, "HTTP/1.1 501")) << te << ": " << out;
    EXPECT_NE(out.find("\"detail\""), std::string::npos) << out;
  }
  // The coding list may span several fields.
  auto out = exchange(srv.port(),
                      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5\r\nhello\r\n0\r\n\r\n");
  EXPECT_TRUE(starts_with(out, "HTTP/1.1 501")) << out;
  EXPECT_EQ(handled.load(), 0);
}

TEST(ServerFraming, ChunkedTwiceOrNotLastIs400) {
  Loop loop;
  std::atomic<int> handled{0};
  TestServer srv(loop, router(handled));
  for (std::string te : {"chunked, chunked", "chunked\r\nTransfer-Encoding: chunked"}) {
    auto out = exchange(
        srv.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    EXPECT_TRUE(starts_with(out, "HTTP/1.1 400")) << te << ": " << out;
  }
  EXPECT_EQ(handled.load(), 0);
}

TEST(ServerFraming, PlainChunkedStillWorksInAnyCase) {
  Loop loop;
  std::atomic<int> handled{0};
  TestServer srv(loop, router(handled));
  auto out = exchange(srv.port(),
                      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n"
                      "5\r\nhello\r\n0\r\n\r\n");
  EXPECT_TRUE(starts_with(out, "HTTP/1.1 200")) << out;
  EXPECT_TRUE(out.ends_with("hello")) << out;
}

TEST(ServerFraming, ContentLengthWithTransferEncodingIsRefusedAndNothingIsSmuggled) {
  Loop loop;
  std::atomic<int> handled{0};
  TestServer srv(loop, router(handled));
  // CL.TE and TE.CL: whichever framing a front proxy used, the bytes after the first body
  // must not become a second request here.
  for (std::string head :
       {"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "Transfer-Encoding: chunked\r\nContent-Length: 6\r\n"}) {
    auto out = exchange(
        srv.port(), "POST /echo HTTP/1.1\r\nHost: x\r\n" + head + "\r\n0\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(starts_with(out, "HTTP/1.1 400")) << out;
    EXPECT_EQ(out.find("pong"), std::string::npos) << out;
  }
  EXPECT_EQ(handled.load(), 0);
}

TEST(ServerFraming, ConflictingContentLengthsAreRefused) {
  Loop loop;
  std::atomic<int> handled{0};
  TestServer srv(loop, router(handled));
  for (std::string head : {"Content-Length: 5\r\nContent-Length: 40\r\n", "Content-Length: 5, 40\r\n",
                           "Content-Length: -5\r\n", "Content-Length: 5x\r\n", "Content-Length: 0x10\r\n"}) {
    auto out = exchange(srv.port(),
                        "POST /echo HTTP/1.1\r\nHost: x\r\n" + head + "\r\nhelloGET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(starts_with(out, "HTTP/1.1 400")) << head << ": " << out;
    EXPECT_EQ(out.find("pong"), std::string::npos) << out;
  }
  EXPECT_EQ(handled.load(), 0);
}

TEST(ServerFraming, MalformedInputNeverCrashesOrWedgesTheServer) {
  Loop loop(2);
  std::atomic<int> handled{0};
  ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(300);
  o.first_byte_timeout = std::chrono::milliseconds(300);
  TestServer srv(loop, router(handled), o);
  std::vector<std::string> probes = {
      std::string("\0\0\0\0", 4),
      "GET\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "GET /ping HTTP/1.1\r\nHost: x\r\n folded: header\r\n\r\n",
      "GET /ping HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
      "GET /ping HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n",
      "GET /ping HTTP/1.1\nHost: x\n\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "GET /%zz%00/../ HTTP/1.1\r\nHost: x\r\n\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  // a TLS ClientHello on the plain port
      std::string(70'000, 'A'),
      "GET / HTTP/1.1\r\n" + std::string(20'000, ':') + "\r\n\r\n",
  };
  std::uint32_t seed = 12345;  // a fixed sequence of random byte strings, some with a valid start
  for (int i = 0; i < 150; ++i) {
    std::string p = i % 2 ? "POST /echo HTTP/1.1\r\n" : "";
    auto len = 1 + (seed % 300);
    for (std::uint32_t k = 0; k < len; ++k) {
      seed = seed * 1103515245u + 12345u;
      p.push_back(static_cast<char>((seed >> 16) & 0xff));
    }
    probes.push_back(std::move(p));
  }
  for (const auto& p : probes) {
    RawSocket s(srv.port());
    boost::system::error_code ignored;
    asio::write(s.socket(), asio::buffer(p), ignored);  // the server may close before taking it all
    s.socket().shutdown(tcp::socket::shutdown_send, ignored);
    auto out = s.read_until_close();
    EXPECT_TRUE(out.empty() || starts_with(out, "HTTP/1.1 4") || starts_with(out, "HTTP/1.1 5") ||
                starts_with(out, "HTTP/1.1 200"))
        << out.substr(0, 200);
  }
  HttpClient client(loop.executor());
  auto res = loop.run(client.send(request("GET", srv.url("/ping"))));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->body, "pong");
}

/// A one-shot raw server: accepts one connection, reads a request head, writes `response`.
class CannedServer {
 public:
  explicit CannedServer(std::string response)
      : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), response_(std::move(response)) {
    thread_ = std::thread([this] {
      boost::system::error_code ec;
      tcp::socket s(ioc_);
      acceptor_.accept(s, ec);
      if (ec) return;
      std::string in;
      char buf[4096];
      while (in.find("\r\n\r\n") == std::string::npos) {
        auto n = s.read_some(asio::buffer(buf), ec);
        if (ec) return;
        in.append(buf, n);
      }
      asio::write(s, asio::buffer(response_), ec);
      s.shutdown(tcp::socket::shutdown_send, ec);
      s.read_some(asio::buffer(buf), ec);  // until the client closes
    });
  }
  ~CannedServer() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/"; }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::string response_;
  std::thread thread_;
};

TEST(ClientFraming, ResponsesWithAnUnknownTransferCodingAreRefused) {
  Loop loop;
  HttpClient client(loop.executor());
  for (std::string te : {"gzip, chunked", "chunked, chunked"}) {
    CannedServer upstream("HTTP/1.1 200 OK\r\nTransfer-Encoding: " + te + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    auto res = loop.run(client.send(request("GET", upstream.url())));
    ASSERT_FALSE(res.has_value()) << te << ": " << res->body;
    EXPECT_EQ(res.error().kind, ErrorKind::protocol) << res.error().message;
    EXPECT_NE(res.error().message.find("Transfer-Encoding"), std::string::npos) << res.error().message;
  }
  // Connection: close, or the pooled connection would keep the canned server waiting.
  CannedServer plain(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  auto res = loop.run(client.send(request("GET", plain.url())));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->body, "hello");
}

}  // namespace
}  // namespace kaos::net
