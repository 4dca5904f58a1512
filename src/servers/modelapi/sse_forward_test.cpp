#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "servers/modelapi/sse_forward.hpp"

using namespace kaos;
using namespace kaos::modelapi;
namespace asio = boost::asio;

namespace {
// An upstream body delivered in the given pieces, then the end or an error.
class ScriptedStream final : public net::ResponseStream {
 public:
  ScriptedStream(std::vector<std::string> pieces, std::optional<Error> fail = std::nullopt)
      : pieces_(std::move(pieces)), fail_(std::move(fail)) {}
  int status() const override { return 200; }
  const net::Headers& headers() const override { return headers_; }
  net::Task<Result<std::optional<std::string>>> next() override {
    if (i_ < pieces_.size()) co_return std::optional<std::string>(pieces_[i_++]);
    if (fail_) co_return *fail_;
    co_return std::optional<std::string>();
  }

 private:
  std::vector<std::string> pieces_;
  std::optional<Error> fail_;
  net::Headers headers_;
  std::size_t i_ = 0;
};

// Records writes; fails from the Nth write on (client gone).
class RecordingWriter final : public net::BodyWriter {
 public:
  explicit RecordingWriter(std::size_t fail_at = SIZE_MAX) : fail_at_(fail_at) {}
  net::Task<bool> write(std::string_view data) override {
    if (writes.size() >= fail_at_) {
      gone_ = true;
      co_return false;
    }
    writes.emplace_back(data);
    co_return true;
  }
  bool client_gone() const override { return gone_; }
  std::string all() const {
    std::string s;
    for (const auto& w : writes) s += w;
    return s;
  }
  std::vector<std::string> writes;

 private:
  std::size_t fail_at_;
  bool gone_ = false;
};

ForwardOutcome run(ScriptedStream& up, RecordingWriter& out, std::vector<protocol::openai::Usage>* usages = nullptr) {
  asio::io_context io;
  auto fut = asio::co_spawn(io,
                            forward_sse(up, out,
                                        [usages](const protocol::openai::Usage& u) {
                                          if (usages) usages->push_back(u);
                                        }),
                            asio::use_future);
  io.run();
  return fut.get();
}
}  // namespace

TEST(SseForward, BytesPassUnchangedIncludingCommentsAndSpacing) {
  const std::string a = "data: {\"a\":  1}\n\n: keep-alive\n\n";
  const std::string b = "event: x\r\ndata: {\"usage\": {\"prompt_tokens\": 2, \"completion_tokens\": 3}}\r\n\r\n";
  const std::string c = "data: [DONE]\n\n";
  ScriptedStream up({a, b, c});
  RecordingWriter out;
  std::vector<protocol::openai::Usage> usages;
  auto r = run(up, out, &usages);
  EXPECT_EQ(r.kind, ForwardOutcome::Kind::completed);
  EXPECT_EQ(out.all(), a + b + c);
  EXPECT_EQ(out.writes.size(), 3u);  // one write per upstream piece when pieces are whole events
  ASSERT_EQ(usages.size(), 1u);
  EXPECT_EQ(usages[0].completion_tokens, 3);
}

TEST(SseForward, SplitEventsAreHeldUntilComplete) {
  ScriptedStream up({"data: {\"x\"", ":1}\n", "\ndata: {\"y\":2}\n\ndata: {\"z\"", ":3}\n\n"});
  RecordingWriter out;
  EXPECT_EQ(run(up, out).kind, ForwardOutcome::Kind::completed);
  EXPECT_EQ(out.writes, (std::vector<std::string>{"data: {\"x\":1}\n\ndata: {\"y\":2}\n\n", "data: {\"z\":3}\n\n"}));
}

TEST(SseForward, UpstreamFailureMidEventWritesOnlyCompleteEvents) {
  ScriptedStream up({"data: {\"a\":1}\n\ndata: {\"b\"", ":2"}, Error::io("connection reset"));
  RecordingWriter out;
  auto r = run(up, out);
  EXPECT_EQ(r.kind, ForwardOutcome::Kind::upstream_failed);
  EXPECT_EQ(r.error, "connection reset");
  EXPECT_EQ(out.all(), "data: {\"a\":1}\n\n");
}

TEST(SseForward, ClientGoneStopsAndCancelledIsClientGone) {
  ScriptedStream up({"data: 1\n\n", "data: 2\n\n", "data: 3\n\n"});
  RecordingWriter out(1);
  EXPECT_EQ(run(up, out).kind, ForwardOutcome::Kind::client_gone);
  EXPECT_EQ(out.writes.size(), 1u);
  ScriptedStream cancelled({"data: 1\n\n"}, Error::cancelled());
  RecordingWriter out2;
  EXPECT_EQ(run(cancelled, out2).kind, ForwardOutcome::Kind::client_gone);
}

TEST(SseForward, TrailingEventWithoutBlankLineIsForwarded) {
  ScriptedStream up({"data: 1\n\ndata: 2"});
  RecordingWriter out;
  EXPECT_EQ(run(up, out).kind, ForwardOutcome::Kind::completed);
  EXPECT_EQ(out.all(), "data: 1\n\ndata: 2");
}
