#pragma once
// Test-only helpers for the stdio bridge tests: an io_context on background threads, an
// Outbound that records what the bridge sends and lets the test wait (bounded, no sleeps) for
// a condition, and message builders.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "net/background.hpp"
#include "net/testing.hpp"
#include "servers/mcp/stdio/stdio_bridge.hpp"

namespace kaos::mcp::stdio_test {
namespace asio = boost::asio;

/// Two threads, so the bridge's strands matter.
struct Loop : net::testing::Loop {
  Loop() : net::testing::Loop(2) {}
};

/// One thing the bridge handed to the transport.
struct Sent {
  bool response = false;  ///< respond() (else send())
  json::value id;         ///< respond: the request id; send: `related`
  json::value message;    ///< parsed
};

class RecordingOutbound final : public Outbound {
 public:
  void respond(const json::value& id, std::string message) override { record(true, id, message); }
  void send(std::string message, const json::value& related) override { record(false, related, message); }
  void close_stream(const json::value&) override {}

  /// Waits until `pred` holds over everything recorded so far; false after `limit`.
  bool wait_for(const std::function<bool(const std::vector<Sent>&)>& pred,
                std::chrono::seconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(sent_); });
  }
  /// Waits for the response to request `id` and returns it (null after the time limit).
  json::value response(const json::value& id, std::chrono::seconds limit = std::chrono::seconds(20)) {
    json::value out;
    wait_for(
        [&](const std::vector<Sent>& all) {
          for (const auto& s : all) {
            if (s.response && s.id == id) {
              out = s.message;
              return true;
            }
          }
          return false;
        },
        limit);
    return out;
  }
  std::vector<Sent> all() {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  void record(bool response, const json::value& id, const std::string& message) {
    auto parsed = parse_json(message);
    EXPECT_TRUE(parsed.has_value()) << "bridge sent invalid JSON: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "a message must be one line: " << message;
    std::lock_guard lock(mu_);
    sent_.push_back(Sent{response, id, parsed ? *parsed : json::value(message)});
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Sent> sent_;
};

inline jsonrpc::Message message(std::string_view text) {
  auto doc = parse_json(text);
  EXPECT_TRUE(doc.has_value()) << text;
  auto in = jsonrpc::parse_value(doc ? *doc : json::value());
  EXPECT_TRUE(in.message.has_value()) << text;
  return in.message ? *in.message : jsonrpc::Message{};
}

inline std::string initialize_json(int id = 0) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"sampling":{}},)"
         R"("clientInfo":{"name":"bridge-test","version":"1"}}})";
}

inline std::string call_json(int id, std::string_view tool, std::string_view args = "{}", std::string_view token = "") {
  std::string meta = token.empty() ? "" : R"(,"_meta":{"progressToken":")" + std::string(token) + "\"}";
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":")" +
         std::string(tool) + R"(","arguments":)" + std::string(args) + meta + "}}";
}

/// Hands a message to the handler the way the transport does (a receive coroutine nobody awaits).
inline void deliver(Loop& loop, SessionHandler& handler, std::string_view text) {
  net::spawn_background(loop.executor(), handler.receive(message(text)), "deliver");
}

/// The text of the first content block of a tools/call response ("" if there is none).
inline std::string result_text(const json::value& response) {
  const auto* o = response.if_object();
  const auto* r = o ? o->if_contains("result") : nullptr;
  const auto* c = r && r->is_object() ? r->get_object().if_contains("content") : nullptr;
  if (!c || !c->is_array() || c->get_array().empty()) return "";
  const auto* t = c->get_array()[0].is_object() ? c->get_array()[0].get_object().if_contains("text") : nullptr;
  return t && t->is_string() ? std::string(t->get_string()) : "";
}

/// Polls `pred` every few milliseconds until it holds; false after `limit`. For conditions
/// nothing notifies about (the process table, counters).
inline bool eventually(const std::function<bool()>& pred, std::chrono::seconds limit = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

/// True once `pid` no longer exists, not even as a zombie (so it was reaped).
inline bool wait_gone(pid_t pid, std::chrono::seconds limit = std::chrono::seconds(20)) {
  return eventually([pid] { return ::kill(pid, 0) != 0 && errno == ESRCH; }, limit);
}

}  // namespace kaos::mcp::stdio_test
