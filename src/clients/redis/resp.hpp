#pragma once
// RESP encoding and decoding, delegated to hiredis (its protocol code only: no hiredis
// connection or event loop is used). Internal to clients/redis; hiredis stays in resp.cpp.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/redis/redis_client.hpp"
#include "core/result.hpp"

namespace kaos::clients::redis::detail {

/// The RESP multi-bulk encoding of one command (binary-safe arguments). Appends to `out`.
void encode_command(const std::vector<std::string>& argv, std::string& out);

/// An incremental reply parser for one connection: feed bytes as they arrive, take complete
/// replies out. After a protocol error the stream is unusable (the connection must close).
class ReplyReader {
 public:
  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  /// Error "io" when the reader is broken.
  Result<void> feed(std::string_view bytes);
  /// The next complete reply; nullopt when more bytes are needed. Error "io" on a protocol error.
  Result<std::optional<RedisReply>> next();

 private:
  void* reader_;  // redisReader*
};

}  // namespace kaos::clients::redis::detail
