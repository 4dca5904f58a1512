#pragma once
// An asynchronous Redis client: RESP over one TCP connection, commands and pipelines from
// C++20 coroutines. hiredis is used only to encode and decode RESP (in the .cpp); the I/O is
// Asio. Used by the agent's RedisMemory; nothing here knows about memory or agents.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "net/task.hpp"

namespace kaos::clients::redis {

/// One RESP reply. A Redis error reply ("-WRONGTYPE ...") is a value of type `error`, not a
/// kaos::Error: the command reached Redis and Redis answered.
struct RedisReply {
  enum class Type { string, status, error, integer, nil, array };
  Type type = Type::nil;
  std::string str;                   ///< string, status and error replies
  std::int64_t integer = 0;          ///< integer replies
  std::vector<RedisReply> elements;  ///< array replies

  bool is_error() const { return type == Type::error; }
  bool is_nil() const { return type == Type::nil; }
  /// "string \"abc\"", "integer 3", "error WRONGTYPE ...", "array[2]", "nil" — for messages.
  std::string describe() const;
};

struct RedisOptions {
  /// redis://[[user]:password@]host[:port][/db]; port 6379 and db 0 by default.
  std::string url = "redis://127.0.0.1:6379";
  /// Bounds resolve + connect + AUTH + SELECT.
  std::chrono::milliseconds connect_timeout{2000};
  /// Bounds one command or one pipeline, from the first byte written to the last reply read.
  std::chrono::milliseconds command_timeout{2000};
};

/// What a redis:// URL names.
struct RedisEndpoint {
  std::string host;  ///< without brackets for IPv6
  std::uint16_t port = 6379;
  std::string user;      ///< empty: AUTH with the password only (the "default" user)
  std::string password;  ///< empty: no AUTH
  int db = 0;
  /// "host:port" (IPv6 in brackets), for messages; never includes credentials.
  std::string address() const;
};

/// Parses redis://[[user]:password@]host[:port][/db] (user and password percent-decoded).
/// Errors ("invalid") quote the URL with the password masked and say what was expected, e.g.
/// "redis URL 'x': expected redis://host:port[/db]".
Result<RedisEndpoint> parse_redis_url(std::string_view url);

/// A client of one Redis server.
///
/// Connection: opened lazily by the first call (AUTH and SELECT as the URL says). Any I/O
/// error or timeout closes it and fails that call with Error "io" or "timeout" naming
/// host:port; the next call connects again, so callers recover when Redis comes back without
/// doing anything. An idle connection the server closed meanwhile is noticed and replaced
/// before it is used.
///
/// Thread-safety: calls may come from any number of coroutines on any threads at once. They
/// share one connection and run one at a time in arrival order (a strand and a FIFO queue).
///
/// Lifetime: the client may be destroyed while calls are pending (they keep the shared state
/// alive and finish with their own result), while idle, and after its io_context stopped.
/// It must not outlive the io_context itself.
class RedisClient {
 public:
  /// Never fails: a bad URL makes every call return that "invalid" Error (use
  /// parse_redis_url to validate configuration up front).
  RedisClient(net::Executor executor, RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Sends one command, e.g. {"SET", "k", "v"}, and returns its reply.
  net::Task<Result<RedisReply>> command(std::vector<std::string> argv);
  /// Sends all commands in one write and returns their replies in order (one per command).
  /// The whole exchange shares one command_timeout. An empty list gives an empty result.
  net::Task<Result<std::vector<RedisReply>>> pipeline(std::vector<std::vector<std::string>> commands);

  /// "host:port" of the server (or the URL as given when it did not parse).
  const std::string& address() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kaos::clients::redis
