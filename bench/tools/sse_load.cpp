// kaos-bench-sse: opens streaming chat completions (SSE) against an OpenAI-compatible server and
// measures what a client sees: time to first content chunk, gaps between chunks, chunks lost,
// streams that failed. Plain Asio with its own small HTTP/1.1 reader, written apart from the
// code under test so the same client measures the gateway and the direct baseline.
//
// Usage: kaos-bench-sse --port P --model M [--streams N] [--concurrency C] [--stall-ms S]
//                       [--expect-chunks K] [--words W] [--prompt TEXT] [--session-prefix P]
// --prompt replaces the generated user message (TEXT is inserted into the JSON string as is, so
// quote characters must come escaped); --session-prefix sends `X-Session-ID: P<n>`, a distinct
// session per stream (the agent's sessions). Prints one line of key=value figures, among them
// the whole-stream time (request sent → [DONE]) percentiles.
#include <boost/asio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  std::string model = "mock-model";
  int streams = 100;
  int concurrency = 1;
  double stall_ms = 100;
  int expect_chunks = -1;      // content chunks each stream must deliver (-1: don't check)
  int words = 80;              // words in the user message (the mock's reply echoes them)
  std::string prompt;          // the user message instead of the generated words
  std::string session_prefix;  // X-Session-ID: <prefix><stream number> when set
};

struct StreamResult {
  bool ok = false;
  bool done = false;
  int chunks = 0;
  double ttfc_us = -1;   // request sent → first content chunk
  double total_ms = -1;  // request sent → [DONE]
  std::vector<double> gaps_ms;
};

struct Totals {
  std::vector<double> ttfc_us;
  std::vector<double> gaps_ms;
  std::vector<double> total_ms;
  int ok = 0, failed = 0, missing_done = 0, short_streams = 0;
  long chunks = 0;
};

// De-chunks an HTTP/1.1 chunked body incrementally; returns false on malformed input.
struct Dechunker {
  std::string buf;
  std::size_t remaining = 0;  // bytes left in the current chunk
  bool in_data = false, finished = false;
  bool feed(std::string_view in, std::string& out) {
    buf.append(in);
    std::size_t pos = 0;
    for (;;) {
      if (in_data) {
        std::size_t take = std::min(remaining, buf.size() - pos);
        out.append(buf, pos, take);
        pos += take;
        remaining -= take;
        if (remaining > 0) break;
        if (buf.size() - pos < 2) break;
        pos += 2;  // CRLF after the chunk
        in_data = false;
      } else {
        auto eol = buf.find("\r\n", pos);
        if (eol == std::string::npos) break;
        remaining = std::strtoul(buf.c_str() + pos, nullptr, 16);
        pos = eol + 2;
        if (remaining == 0) {
          finished = true;
          break;
        }
        in_data = true;
      }
    }
    buf.erase(0, pos);
    return true;
  }
};

asio::awaitable<StreamResult> one_stream(const Options& o, int number) {
  StreamResult r;
  auto ex = co_await asio::this_coro::executor;
  tcp::socket sock(ex);
  boost::system::error_code ec;
  co_await sock.async_connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o.port)},
                              asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return r;
  sock.set_option(tcp::no_delay(true));
  std::string text = o.prompt;
  if (text.empty())
    for (int w = 0; w < o.words; ++w) text += (w ? " word" : "word") + std::to_string(w);
  std::string body = R"({"model":")" + o.model +
                     R"(","stream":true,"messages":[{"role":"system","content":"You are a benchmark."},)"
                     R"({"role":"user","content":")" +
                     text + R"("}]})";
  std::string req =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n" +
      (o.session_prefix.empty() ? std::string()
                                : "X-Session-ID: " + o.session_prefix + std::to_string(number) + "\r\n") +
      "\r\n" + body;
  auto sent = Clock::now();
  co_await asio::async_write(sock, asio::buffer(req), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return r;
  std::string head, events;
  bool headers_done = false, chunked = false;
  Dechunker dechunk;
  Clock::time_point last{};
  char data[16384];
  for (;;) {
    std::size_t n = co_await sock.async_read_some(asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    std::string_view in(data, n);
    std::string body_bytes;
    if (!headers_done) {
      head.append(in);
      auto end = head.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      if (head.compare(9, 3, "200") != 0) co_return r;
      headers_done = true;
      std::string lower = head.substr(0, end);
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      chunked = lower.find("transfer-encoding: chunked") != std::string::npos;
      in = std::string_view(head).substr(end + 4);
      if (chunked)
        dechunk.feed(in, body_bytes);
      else
        body_bytes.assign(in);
    } else if (chunked) {
      dechunk.feed(in, body_bytes);
    } else {
      body_bytes.assign(in);
    }
    events += body_bytes;
    // Count complete events; a content event is any data line that is not [DONE].
    std::size_t pos;
    while ((pos = events.find("\n\n")) != std::string::npos) {
      std::string_view ev(events.data(), pos);
      auto now = Clock::now();
      if (ev.find("data: [DONE]") != std::string_view::npos) {
        r.done = true;
        r.total_ms = std::chrono::duration<double, std::milli>(now - sent).count();
      } else if (ev.find("\"content\"") != std::string_view::npos ||
                 ev.find("\"tool_calls\"") != std::string_view::npos) {
        if (r.chunks == 0)
          r.ttfc_us = std::chrono::duration<double, std::micro>(now - sent).count();
        else
          r.gaps_ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
        last = now;
        ++r.chunks;
      }
      events.erase(0, pos + 2);
    }
    if (r.done || dechunk.finished) break;
  }
  r.ok = r.done;
  co_return r;
}

asio::awaitable<void> worker(const Options& o, int& next, Totals& t) {
  while (next < o.streams) {
    int number = next++;
    StreamResult r = co_await one_stream(o, number);
    if (!r.ok) {
      ++t.failed;
      if (!r.done) ++t.missing_done;
      continue;
    }
    ++t.ok;
    t.chunks += r.chunks;
    if (o.expect_chunks >= 0 && r.chunks < o.expect_chunks) ++t.short_streams;
    if (r.ttfc_us >= 0) t.ttfc_us.push_back(r.ttfc_us);
    if (r.total_ms >= 0) t.total_ms.push_back(r.total_ms);
    t.gaps_ms.insert(t.gaps_ms.end(), r.gaps_ms.begin(), r.gaps_ms.end());
  }
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * v.size()))];
}

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--port")
      o.port = std::atoi(argv[i + 1]);
    else if (a == "--model")
      o.model = argv[i + 1];
    else if (a == "--streams")
      o.streams = std::atoi(argv[i + 1]);
    else if (a == "--concurrency")
      o.concurrency = std::atoi(argv[i + 1]);
    else if (a == "--stall-ms")
      o.stall_ms = std::atof(argv[i + 1]);
    else if (a == "--expect-chunks")
      o.expect_chunks = std::atoi(argv[i + 1]);
    else if (a == "--words")
      o.words = std::atoi(argv[i + 1]);
    else if (a == "--prompt")
      o.prompt = argv[i + 1];
    else if (a == "--session-prefix")
      o.session_prefix = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (o.port <= 0) {
    std::fprintf(stderr,
                 "usage: kaos-bench-sse --port P --model M [--streams N] [--concurrency C] [--stall-ms S] "
                 "[--expect-chunks K] [--words W] [--prompt TEXT] [--session-prefix P]\n");
    return 2;
  }
  asio::io_context ctx(1);
  Totals t;
  int next = 0;
  auto start = Clock::now();
  for (int c = 0; c < o.concurrency; ++c) asio::co_spawn(ctx, worker(o, next, t), asio::detached);
  ctx.run();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  long stalls = std::count_if(t.gaps_ms.begin(), t.gaps_ms.end(), [&](double g) { return g > o.stall_ms; });
  double gap_max = t.gaps_ms.empty() ? -1 : *std::max_element(t.gaps_ms.begin(), t.gaps_ms.end());
  std::printf(
      "streams_ok=%d streams_failed=%d missing_done=%d short_streams=%d chunks=%ld chunks_per_s=%.0f "
      "ttfc_p50_us=%.0f ttfc_p99_us=%.0f gap_p50_ms=%.2f gap_p99_ms=%.2f gap_max_ms=%.2f stalls=%ld total_p50_ms=%.1f "
      "total_p99_ms=%.1f total_max_ms=%.1f secs=%.2f\n",
      t.ok, t.failed, t.missing_done, t.short_streams, t.chunks, t.chunks / secs, pct(t.ttfc_us, 50),
      pct(t.ttfc_us, 99), pct(t.gaps_ms, 50), pct(t.gaps_ms, 99), gap_max, stalls, pct(t.total_ms, 50),
      pct(t.total_ms, 99), t.total_ms.empty() ? -1.0 : *std::max_element(t.total_ms.begin(), t.total_ms.end()), secs);
  return t.failed == 0 ? 0 : 1;
}
