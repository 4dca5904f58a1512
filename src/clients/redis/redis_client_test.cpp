// RedisClient against a real redis-server (one per test): commands, pipelines, error replies,
// bad URLs, outages and recovery, timeouts, and concurrent callers.
#include "clients/redis/redis_client.hpp"

#include <chrono>
#include <future>
#include <optional>

#include "clients/redis/test_redis_server.hpp"

namespace kaos::clients::redis {
namespace {

using net::Task;
using net::testing::Loop;
using Type = RedisReply::Type;
using Argv = std::vector<std::string>;

class RedisClientTest : public ::testing::Test {
 protected:
  RedisOptions options(std::chrono::milliseconds command_timeout = std::chrono::milliseconds(2000)) const {
    RedisOptions o;
    o.url = server_.url();
    o.command_timeout = command_timeout;
    return o;
  }
  Result<RedisReply> run(RedisClient& c, Argv argv) { return loop_.run(c.command(std::move(argv))); }

  // Declared before loop_ so the clients (declared in tests) and loop go first, the server last.
  testing::RedisServer server_;
  Loop loop_{2};
};

TEST_F(RedisClientTest, SetGetHashesAndLists) {
  ASSERT_TRUE(server_.running());
  RedisClient c(loop_.executor(), options());
  auto set = run(c, {"SET", "greeting", std::string("hi\0there", 8)});  // binary-safe
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->type, Type::status);
  EXPECT_EQ(set->str, "OK");

  auto get = run(c, {"GET", "greeting"});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->type, Type::string);
  EXPECT_EQ(get->str, std::string("hi\0there", 8));
  EXPECT_TRUE(run(c, {"GET", "missing"})->is_nil());

  auto hset = run(c, {"HSET", "h", "a", "1", "b", "2"});
  ASSERT_TRUE(hset);
  EXPECT_EQ(hset->type, Type::integer);
  EXPECT_EQ(hset->integer, 2);
  EXPECT_EQ(run(c, {"HGET", "h", "b"})->str, "2");

  ASSERT_TRUE(run(c, {"RPUSH", "l", "x", "y", "z"}));
  auto range = run(c, {"LRANGE", "l", "0", "-1"});
  ASSERT_TRUE(range);
  ASSERT_EQ(range->type, Type::array);
  ASSERT_EQ(range->elements.size(), 3u);
  EXPECT_EQ(range->elements[0].str, "x");
  EXPECT_EQ(range->elements[2].str, "z");
}

TEST_F(RedisClientTest, PipelineReturnsOneReplyPerCommandAndErrorRepliesAreValues) {
  ASSERT_TRUE(server_.running());
  RedisClient c(loop_.executor(), options());
  std::vector<Argv> cmds{{"SET", "s", "v"}, {"LPUSH", "s", "x"}, {"INCR", "n"}, {"INCR", "n"}, {"GET", "s"}};
  auto r = loop_.run(c.pipeline(cmds));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0].str, "OK");
  EXPECT_TRUE((*r)[1].is_error());
  EXPECT_TRUE((*r)[1].str.starts_with("WRONGTYPE")) << (*r)[1].str;
  EXPECT_EQ((*r)[3].integer, 2);
  EXPECT_EQ((*r)[4].str, "v");  // the error did not disturb the stream

  auto multi = loop_.run(c.pipeline({{"MULTI"}, {"INCR", "n"}, {"INCR", "n"}, {"EXEC"}}));
  ASSERT_TRUE(multi);
  ASSERT_EQ(multi->back().type, Type::array);
  EXPECT_EQ(multi->back().elements[1].integer, 4);
  EXPECT_TRUE(loop_.run(c.pipeline({}))->empty());
}

TEST(RedisUrl, ParsesTheFormsKaosAccepts) {
  auto plain = parse_redis_url("redis://redis.default.svc");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->host, "redis.default.svc");
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->db, 0);
  EXPECT_TRUE(plain->password.empty());

  auto full = parse_redis_url("redis://alice:p%40ss@10.0.0.5:6380/3");
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full->user, "alice");
  EXPECT_EQ(full->password, "p@ss");
  EXPECT_EQ(full->address(), "10.0.0.5:6380");
  EXPECT_EQ(full->db, 3);

  auto pw_only = parse_redis_url("redis://:secret@host");
  ASSERT_TRUE(pw_only);
  EXPECT_EQ(pw_only->user, "");
  EXPECT_EQ(pw_only->password, "secret");
  EXPECT_EQ(parse_redis_url("redis://[::1]:7000")->address(), "[::1]:7000");
}

TEST(RedisUrl, ErrorsQuoteTheUrlAndSayWhatWasExpected) {
  auto e = parse_redis_url("x");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, ErrorKind::invalid);
  EXPECT_NE(e.error().message.find("redis URL 'x': expected redis://"), std::string::npos) << e.error().message;
  EXPECT_NE(parse_redis_url("redis://h:99999").error().message.find("port '99999'"), std::string::npos);
  EXPECT_NE(parse_redis_url("redis://h/abc").error().message.find("database 'abc'"), std::string::npos);
  EXPECT_NE(parse_redis_url("redis://:6379").error().message.find("missing host"), std::string::npos);
  EXPECT_NE(parse_redis_url("rediss://h").error().message.find("TLS"), std::string::npos);
  auto masked = parse_redis_url("redis://u:topsecret@h:x");
  ASSERT_FALSE(masked);
  EXPECT_EQ(masked.error().message.find("topsecret"), std::string::npos) << masked.error().message;
}

TEST(RedisClientNoServer, BadUrlFailsEveryCallAndConnectionRefusedIsAQuickIoError) {
  Loop loop;
  RedisOptions bad;
  bad.url = "http://localhost:6379";
  RedisClient broken(loop.executor(), bad);
  auto r = loop.run(broken.command({"PING"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::invalid);

  RedisOptions refused;
  const auto port = testing::free_port();
  refused.url = "redis://127.0.0.1:" + std::to_string(port);
  RedisClient c(loop.executor(), refused);
  const auto t0 = std::chrono::steady_clock::now();
  auto e = loop.run(c.command({"PING"}));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, ErrorKind::io);
  EXPECT_NE(e.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << e.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  auto empty = loop.run(c.command({}));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, ErrorKind::invalid);
}

TEST_F(RedisClientTest, ServerKilledGivesAnErrorAndTheNextCallAfterRestartSucceeds) {
  ASSERT_TRUE(server_.running());
  RedisClient c(loop_.executor(), options());
  ASSERT_TRUE(run(c, {"SET", "k", "before"}));

  server_.stop();
  auto down = run(c, {"GET", "k"});
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().kind, ErrorKind::io);
  EXPECT_NE(down.error().message.find(std::to_string(server_.port())), std::string::npos) << down.error().message;
  EXPECT_FALSE(run(c, {"GET", "k"}));  // still down: still an error, no hang

  ASSERT_TRUE(server_.start());
  auto back = run(c, {"SET", "k", "after"});  // same object, nothing reset by the caller
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(run(c, {"GET", "k"})->str, "after");
}

TEST_F(RedisClientTest, AuthAndSelectFollowTheUrl) {
  ASSERT_TRUE(server_.running());
  RedisClient admin(loop_.executor(), options());
  ASSERT_TRUE(run(admin, {"CONFIG", "SET", "requirepass", "s3cret"}));

  RedisOptions o = options();
  o.url = "redis://:s3cret@127.0.0.1:" + std::to_string(server_.port()) + "/2";
  RedisClient c(loop_.executor(), o);
  ASSERT_TRUE(run(c, {"SET", "where", "db2"}));
  o.url = "redis://default:s3cret@127.0.0.1:" + std::to_string(server_.port()) + "/2";  // ACL form
  RedisClient same_db(loop_.executor(), o);
  EXPECT_EQ(run(same_db, {"GET", "where"})->str, "db2");
  EXPECT_TRUE(run(admin, {"GET", "where"})->is_nil());  // admin is on db 0

  o.url = "redis://:wrong@127.0.0.1:" + std::to_string(server_.port());
  RedisClient wrong(loop_.executor(), o);
  auto refused = run(wrong, {"PING"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::io);
  EXPECT_NE(refused.error().message.find("AUTH was refused"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("wrong"), std::string::npos) << "the password leaked";
  RedisClient none(loop_.executor(), options());
  EXPECT_TRUE(run(none, {"GET", "where"})->is_error());  // NOAUTH is a reply, not a failure
}

TEST_F(RedisClientTest, IdleConnectionClosedByTheServerIsReplacedTransparently) {
  ASSERT_TRUE(server_.running());
  RedisClient c(loop_.executor(), options());
  auto id = run(c, {"CLIENT", "ID"});
  ASSERT_TRUE(id);
  RedisClient admin(loop_.executor(), options());
  const std::string id_text = std::to_string(id->integer);
  ASSERT_EQ(run(admin, {"CLIENT", "KILL", "ID", id_text})->integer, 1);
  // The first call after the server dropped the idle connection still succeeds.
  auto again = run(c, {"PING"});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->str, "PONG");
}

TEST_F(RedisClientTest, CommandTimeoutClosesTheConnectionAndTheClientRecovers) {
  ASSERT_TRUE(server_.running());
  RedisClient c(loop_.executor(), options(std::chrono::milliseconds(200)));
  ASSERT_TRUE(run(c, {"PING"}));
  const auto t0 = std::chrono::steady_clock::now();
  auto slow = run(c, {"DEBUG", "SLEEP", "1"});
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().kind, ErrorKind::timeout);
  EXPECT_NE(slow.error().message.find("200 ms"), std::string::npos) << slow.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));

  // Redis is single-threaded and still sleeping; once it wakes the same client works again.
  std::optional<Result<RedisReply>> ok;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    ok = run(c, {"PING"});
    if (*ok) break;
  }
  ASSERT_TRUE(ok && *ok) << (ok ? ok->error().message : "");
  EXPECT_EQ((*ok)->str, "PONG");
}

TEST_F(RedisClientTest, FiftyConcurrentCallersEachGetTheirOwnReply) {
  ASSERT_TRUE(server_.running());
  Loop callers(4);  // callers on other threads than the client's executor
  RedisClient c(loop_.executor(), options());
  auto one = [](RedisClient& c, int i) -> Task<std::string> {
    const std::string key = "key" + std::to_string(i);
    const std::string value = "value" + std::to_string(i);
    Argv set{"SET", key, value};
    auto s = co_await c.command(std::move(set));
    if (!s) co_return "error: " + s.error().message;
    Argv get{"GET", key};
    std::vector<Argv> pipe{{"INCR", "counter"}, std::move(get)};
    auto g = co_await c.pipeline(std::move(pipe));
    if (!g) co_return "error: " + g.error().message;
    co_return (*g)[1].str;
  };
  std::vector<std::future<std::optional<std::string>>> futures;
  futures.reserve(50);
  for (int i = 0; i < 50; ++i) futures.push_back(callers.start(one(c, i)));
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(futures[i].wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_EQ(*futures[i].get(), "value" + std::to_string(i));
  }
  EXPECT_EQ(run(c, {"GET", "counter"})->str, "50");
}

TEST(RedisClientLifetime, DestroyedWhileIdleAndAfterTheLoopStopped) {
  testing::RedisServer server;
  ASSERT_TRUE(server.running());
  RedisOptions o;
  o.url = server.url();
  auto loop = std::make_unique<Loop>();
  auto c = std::make_unique<RedisClient>(loop->executor(), o);
  ASSERT_TRUE(loop->run(c->command({"PING"})));
  loop->context().stop();
  c.reset();  // connected, idle, io_context stopped
  loop.reset();
  Loop fresh;
  RedisClient d(fresh.executor(), o);
  ASSERT_TRUE(fresh.run(d.command({"PING"})));
}

}  // namespace
}  // namespace kaos::clients::redis
