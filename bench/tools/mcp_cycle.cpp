// kaos-bench-mcp-cycle: drives full MCP Streamable HTTP session cycles against a server —
// initialize → notifications/initialized → tools/call echo → DELETE, each request sent when the
// previous answer is in — over C keep-alive connections on one thread, and reports cycles/s and
// request latency. Every answer is checked (status, Mcp-Session-Id on initialize, "Echo: hello"
// in the call's body). Plain Asio with its own small HTTP/1.1 reader, written apart from the code
// under test so the same client measures kaos and its baselines. (wrk keeps script state per
// thread, so a cycle per connection needs a thread per connection: on one CPU the client then
// became the bottleneck.)
//
// HTTP: Content-Length or chunked bodies (no trailers), keep-alive, no pipelining.
//
// Usage: kaos-bench-mcp-cycle --port P [--connections C] [--seconds S] [--max-cycles N]
//   --max-cycles N  stop once N cycles are done in total (then --seconds is only the bound)
// Prints one line of key=value figures; exits 1 if any answer was wrong.
#include <boost/asio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int port = 0;
  int connections = 64;
  double seconds = 8;
  long max_cycles = -1;
};

struct Shared {
  Options opt;
  Clock::time_point deadline;
  long cycles = 0;
  long requests = 0;
  long errors = 0;
  long reconnects = 0;
  std::vector<double> request_us;
  std::vector<double> cycle_us;
  std::string first_error;
  bool stop() const { return Clock::now() >= deadline || (opt.max_cycles > 0 && cycles >= opt.max_cycles); }
  void error(std::string what) {
    ++errors;
    if (first_error.empty()) first_error = std::move(what);
  }
};

struct Response {
  int status = 0;
  std::string session;  // Mcp-Session-Id
  std::string body;
  bool close = false;  // Connection: close
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

// Parses the head in buf[0, head_end); returns false if malformed.
bool parse_head(std::string_view head, Response& r, std::size_t& content_length, bool& chunked) {
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return false;
  r.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  content_length = 0;
  chunked = false;
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    std::size_t start = pos + 2, end = head.find("\r\n", start);
    std::string_view line = head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (iequals(name, "content-length"))
        content_length = std::strtoul(std::string(value).c_str(), nullptr, 10);
      else if (iequals(name, "mcp-session-id"))
        r.session = std::string(value);
      else if (iequals(name, "transfer-encoding"))
        chunked = iequals(value, "chunked");
      else if (iequals(name, "connection") && iequals(value, "close"))
        r.close = true;
    }
    pos = end;
  }
  return true;
}

std::string post(int port, std::string_view body, const std::string& session) {
  std::string req = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";
  if (!session.empty()) req += "Mcp-Session-Id: " + session + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  req += body;
  return req;
}

constexpr std::string_view kInitialize =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
    R"("capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})";
constexpr std::string_view kInitialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
constexpr std::string_view kCall =
    R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}})";

asio::awaitable<void> connection(Shared& s) {
  auto ex = co_await asio::this_coro::executor;
  const tcp::endpoint ep(asio::ip::address_v4::loopback(), static_cast<unsigned short>(s.opt.port));
  tcp::socket sock(ex);
  std::string buf;
  auto exchange = [&](const std::string& req, Response& r) -> asio::awaitable<bool> {
    auto t0 = Clock::now();
    co_await asio::async_write(sock, asio::buffer(req), asio::use_awaitable);
    std::size_t head_end =
        co_await asio::async_read_until(sock, asio::dynamic_buffer(buf), "\r\n\r\n", asio::use_awaitable);
    std::size_t length = 0;
    bool chunked = false;
    if (!parse_head(std::string_view(buf).substr(0, head_end), r, length, chunked)) {
      s.error("malformed response head");
      co_return false;
    }
    if (chunked) {  // node answers bodiless 202/200 chunked; JSON bodies hold no CRLF
      std::size_t pos = head_end;
      r.body.clear();
      for (;;) {
        std::size_t eol = buf.find("\r\n", pos);
        while (eol == std::string::npos) {
          co_await asio::async_read_until(sock, asio::dynamic_buffer(buf), "\r\n", asio::use_awaitable);
          eol = buf.find("\r\n", pos);
        }
        std::size_t size = std::strtoul(buf.c_str() + pos, nullptr, 16);
        std::size_t need = eol + 2 + size + 2;  // chunk data and its CRLF (or the final CRLF)
        if (buf.size() < need) {
          co_await asio::async_read(sock, asio::dynamic_buffer(buf), asio::transfer_exactly(need - buf.size()),
                                    asio::use_awaitable);
        }
        r.body.append(buf, eol + 2, size);
        pos = need;
        if (size == 0) break;
      }
      buf.erase(0, pos);
      s.request_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      ++s.requests;
      co_return true;
    }
    if (buf.size() < head_end + length) {
      co_await asio::async_read(sock, asio::dynamic_buffer(buf), asio::transfer_exactly(head_end + length - buf.size()),
                                asio::use_awaitable);
    }
    r.body.assign(buf, head_end, length);
    buf.erase(0, head_end + length);
    s.request_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    ++s.requests;
    co_return true;
  };
  while (!s.stop()) {
    try {
      if (!sock.is_open()) {
        buf.clear();
        co_await sock.async_connect(ep, asio::use_awaitable);
        sock.set_option(tcp::no_delay(true));
      }
      auto c0 = Clock::now();
      Response r;
      if (!co_await exchange(post(s.opt.port, kInitialize, {}), r)) {
        sock.close();
        continue;
      }
      if (r.status != 200 || r.session.empty()) {
        s.error("initialize: status " + std::to_string(r.status) + (r.session.empty() ? ", no Mcp-Session-Id" : ""));
        continue;
      }
      const std::string session = r.session;
      Response n;
      if (!co_await exchange(post(s.opt.port, kInitialized, session), n)) {
        sock.close();
        continue;
      }
      if (n.status < 200 || n.status > 299) {
        s.error("notifications/initialized: status " + std::to_string(n.status));
        continue;
      }
      Response c;
      if (!co_await exchange(post(s.opt.port, kCall, session), c)) {
        sock.close();
        continue;
      }
      if (c.status != 200 || c.body.find("Echo: hello") == std::string::npos)
        s.error("tools/call: status " + std::to_string(c.status) + ", body " + c.body.substr(0, 200));
      Response d;
      std::string del = "DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(s.opt.port) +
                        "\r\nMcp-Session-Id: " + session + "\r\n\r\n";
      if (!co_await exchange(del, d)) {
        sock.close();
        continue;
      }
      if (d.status < 200 || d.status > 299) s.error("DELETE: status " + std::to_string(d.status));
      ++s.cycles;
      s.cycle_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - c0).count());
      if (r.close || n.close || c.close || d.close) {
        sock.close();
        ++s.reconnects;
      }
    } catch (const std::exception& e) {
      s.error(std::string("socket: ") + e.what());
      boost::system::error_code ignored;
      sock.close(ignored);
      ++s.reconnects;
    }
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  Shared s;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--port")
      s.opt.port = std::atoi(next());
    else if (a == "--connections")
      s.opt.connections = std::atoi(next());
    else if (a == "--seconds")
      s.opt.seconds = std::atof(next());
    else if (a == "--max-cycles")
      s.opt.max_cycles = std::atol(next());
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (s.opt.port <= 0 || s.opt.connections <= 0) {
    std::fprintf(stderr, "usage: kaos-bench-mcp-cycle --port P [--connections C] [--seconds S] [--max-cycles N]\n");
    return 2;
  }
  asio::io_context io(1);
  auto start = Clock::now();
  s.deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.opt.seconds));
  for (int i = 0; i < s.opt.connections; ++i) asio::co_spawn(io, connection(s), asio::detached);
  io.run();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "cycles=%ld cycles_per_s=%.0f requests_per_s=%.0f req_p50_us=%.0f req_p99_us=%.0f cycle_p50_us=%.0f "
      "cycle_p99_us=%.0f errors=%ld reconnects=%ld seconds=%.2f\n",
      s.cycles, s.cycles / secs, s.requests / secs, percentile(s.request_us, 0.5), percentile(s.request_us, 0.99),
      percentile(s.cycle_us, 0.5), percentile(s.cycle_us, 0.99), s.errors, s.reconnects, secs);
  if (s.errors > 0) {
    std::fprintf(stderr, "%ld wrong answers; first: %s\n", s.errors, s.first_error.c_str());
    return 1;
  }
  return 0;
}
