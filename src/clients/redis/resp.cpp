#include "clients/redis/resp.hpp"

#include <hiredis/hiredis.h>

#include <memory>
#include <new>

namespace kaos::clients::redis {

std::string RedisReply::describe() const {
  switch (type) {
    case Type::string:
      return "string \"" + str + "\"";
    case Type::status:
      return "status " + str;
    case Type::error:
      return "error " + str;
    case Type::integer:
      return "integer " + std::to_string(integer);
    case Type::nil:
      return "nil";
    case Type::array:
      return "array[" + std::to_string(elements.size()) + "]";
  }
  return "?";
}

namespace detail {
namespace {

redisReader* as_reader(void* p) {
  return static_cast<redisReader*>(p);
}

struct FreeReply {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

RedisReply convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::error;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      break;
    default:
      out.type = RedisReply::Type::nil;
      break;
  }
  if (r.str) out.str.assign(r.str, r.len);
  out.integer = r.integer;
  if (r.type == REDIS_REPLY_ARRAY) {
    out.elements.reserve(r.elements);
    for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
  }
  return out;
}

}  // namespace

void encode_command(const std::vector<std::string>& argv, std::string& out) {
  // The RESP framing is simple enough to write directly, but hiredis owns the protocol here so
  // that encoder and decoder come from one well-tested source.
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  char* cmd = nullptr;
  const int n = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  if (n < 0 || !cmd) throw std::bad_alloc();  // the only failure hiredis reports
  out.append(cmd, static_cast<std::size_t>(n));
  redisFreeCommand(cmd);
}

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
  if (!reader_) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() {
  redisReaderFree(as_reader(reader_));
}

Result<void> ReplyReader::feed(std::string_view bytes) {
  if (redisReaderFeed(as_reader(reader_), bytes.data(), bytes.size()) != REDIS_OK)
    return Error::io(std::string("RESP reader: ") + as_reader(reader_)->errstr);
  return {};
}

Result<std::optional<RedisReply>> ReplyReader::next() {
  void* raw = nullptr;
  if (redisReaderGetReply(as_reader(reader_), &raw) != REDIS_OK)
    return Error::io(std::string("RESP protocol error: ") + as_reader(reader_)->errstr);
  if (!raw) return std::optional<RedisReply>();
  std::unique_ptr<redisReply, FreeReply> reply(static_cast<redisReply*>(raw));
  return std::optional<RedisReply>(convert(*reply));
}

}  // namespace detail
}  // namespace kaos::clients::redis
