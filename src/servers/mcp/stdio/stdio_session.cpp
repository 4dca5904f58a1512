#include "servers/mcp/stdio/stdio_session.hpp"

#include <signal.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "net/background.hpp"

namespace kaos::mcp::stdio_detail {
namespace {

namespace asio = boost::asio;

std::string excerpt(std::string_view s, std::size_t n = 200) {
  return s.size() <= n ? std::string(s) : std::string(s.substr(0, n)) + "...";
}

// MCP's stdio transport: one JSON-RPC message per line. Boost.JSON serializes compactly and
// escapes control characters, so the line has no embedded newline.
std::string to_line(const jsonrpc::Message& m) {
  using Kind = jsonrpc::Message::Kind;
  switch (m.kind) {
    case Kind::request:
      return jsonrpc::request_json(m.id, m.method, m.params) + "\n";
    case Kind::notification:
      return jsonrpc::notification_json(m.method, m.params) + "\n";
    case Kind::response:
      return jsonrpc::result_json(m.id, m.result) + "\n";
    case Kind::error:
      return jsonrpc::error_json(m.id, m.error) + "\n";
  }
  return {};
}

}  // namespace

StdioSession::StdioSession(Strand strand, std::shared_ptr<BridgeShared> shared, std::shared_ptr<Outbound> outbound,
                           std::uint64_t number)
    : strand_(std::move(strand)),
      shared_(std::move(shared)),
      outbound_(std::move(outbound)),
      label_("stdio session " + std::to_string(number)),
      stderr_done_signal_(strand_) {}

StdioSession::~StdioSession() {
  release_slot();
}  // the Process destructor kills and reaps

Result<std::shared_ptr<StdioSession>> StdioSession::start(net::Executor executor, std::shared_ptr<BridgeShared> shared,
                                                          std::shared_ptr<Outbound> outbound) {
  const auto& o = shared->options;
  auto& stats = *shared->stats;
  if (shared->active.fetch_add(1) >= o.max_sessions) {
    shared->active.fetch_sub(1);
    ++stats.sessions_rejected;
    return Error{ErrorKind::unavailable,
                 "stdio bridge: all " + std::to_string(o.max_sessions) +
                     " sessions are in use (each runs its own stdio server process); end an idle "
                     "session (DELETE /mcp) or raise the session limit"};
  }
  auto number = shared->next_session.fetch_add(1);
  std::shared_ptr<StdioSession> self(
      new StdioSession(asio::make_strand(executor), shared, std::move(outbound), number));
  net::ProcessOptions p;
  p.argv = o.command;
  p.env = o.env;
  p.working_dir = o.working_dir;
  p.stderr_mode = "pipe";
  auto process = net::Process::spawn(self->strand_, std::move(p));
  if (!process) {
    ++stats.sessions_rejected;
    return process.error().reworded("stdio bridge: " + process.error().message);  // ~self frees the slot
  }
  self->process_ = std::shared_ptr<net::Process>(std::move(*process));
  self->label_ += " (pid " + std::to_string(self->process_->pid()) + ")";
  ++stats.children_started;
  ++stats.children_running;
  spdlog::info("{}: started {}", self->label_, o.command.front());
  net::spawn_background(self->strand_, self->read_stdout(), self->label_ + " stdout reader");
  net::spawn_background(self->strand_, self->read_stderr(), self->label_ + " stderr reader");
  return self;
}

Task<void> StdioSession::receive(jsonrpc::Message message) {
  // Only a hand-off: the strand orders messages, and nothing here waits for the child.
  asio::post(strand_,
             [self = shared_from_this(), m = std::move(message)]() mutable { self->on_client_message(std::move(m)); });
  co_return;
}

void StdioSession::close() {
  // The slot is free as soon as the transport lets go, so the initialize that made it evict
  // this session finds room; the child still stopping here is bounded by the grace period.
  release_slot();
  asio::post(strand_, [self = shared_from_this()] { self->on_close(); });
}

void StdioSession::on_client_message(jsonrpc::Message m) {
  using Kind = jsonrpc::Message::Kind;
  if (closed_) return;
  if (m.kind == Kind::request) {
    if (gone_) {
      answer_gone(m.id);
      return;
    }
    const std::size_t limit = 4 * shared_->options.max_message_bytes;
    std::string line = to_line(m);
    if (queued_bytes_ + line.size() > limit) {
      jsonrpc::ErrorObject err{kStdioServerGone,
                               "the stdio MCP server is not reading its input (" + std::to_string(queued_bytes_) +
                                   " bytes queued); retry later",
                               std::nullopt};
      if (outbound_) outbound_->respond(m.id, jsonrpc::error_json(m.id, err));
      return;
    }
    pending_.add(m.id, m.params);
    enqueue(std::move(line));
    return;
  }
  if (m.kind == Kind::notification && m.method == "notifications/cancelled" && m.params.is_object()) {
    // The transport has already ended that request's stream; a late answer is dropped.
    if (const auto* rid = m.params.get_object().if_contains("requestId")) (void)pending_.take(*rid);
  }
  if (!gone_) enqueue(to_line(m));
}

void StdioSession::on_close() {
  if (closed_) return;
  closed_ = true;
  outbound_.reset();
  release_slot();
  write_queue_.clear();
  if (gone_) return;  // already exited and reaped
  gone_ = "the MCP session was closed";
  process_->close_stdin();
  // `self` is a parameter, not a capture: the coroutine frame keeps it, the lambda does not live on.
  net::spawn_background(
      strand_,
      [](std::shared_ptr<StdioSession> self) -> Task<void> {
        auto status = co_await self->wait_exit(std::chrono::milliseconds(0));
        spdlog::info("{}: stopped at session close ({})", self->label_, status.describe());
      }(shared_from_this()),
      label_ + " close");
}

void StdioSession::enqueue(std::string line) {
  queued_bytes_ += line.size();
  write_queue_.push_back(std::move(line));
  ++shared_->stats->messages_in;
  if (writing_) return;
  writing_ = true;
  net::spawn_background(strand_, write_loop(), label_ + " writer");
}

Task<void> StdioSession::write_loop() {
  auto self = shared_from_this();
  while (!write_queue_.empty() && !gone_) {
    std::string line = std::move(write_queue_.front());
    write_queue_.pop_front();
    auto written = co_await process_->write(line);
    queued_bytes_ -= std::min(queued_bytes_, line.size());
    if (!written) {
      // The child stopped reading: its exit (seen by the stdout reader) answers what is pending.
      spdlog::debug("{}: {}", label_, written.error().message);
      write_queue_.clear();
      queued_bytes_ = 0;
      break;
    }
  }
  writing_ = false;
}

Task<void> StdioSession::read_stdout() {
  auto self = shared_from_this();
  for (;;) {
    auto line = co_await process_->read_line(shared_->options.max_message_bytes);
    if (!line) {
      if (line.error().kind == ErrorKind::too_large) {
        ++shared_->stats->invalid_lines;
        spdlog::warn("{}: skipped a stdout line: {}", label_, line.error().message);
        continue;
      }
      spdlog::warn("{}: {}", label_, line.error().message);
      break;
    }
    if (!*line) break;  // EOF: the child exited or closed its stdout
    if (!closed_) on_child_line(**line);
  }
  co_await on_child_gone();
}

Task<void> StdioSession::read_stderr() {
  auto self = shared_from_this();
  for (;;) {
    auto line = co_await process_->read_stderr_line();
    if (!line) {
      if (line.error().kind == ErrorKind::too_large) {
        spdlog::info("{} stderr: (skipped a line over 64 KiB)", label_);
        continue;
      }
      break;
    }
    if (!*line) break;
    if ((*line)->empty()) continue;
    spdlog::info("{} stderr: {}", label_, **line);
    last_stderr_ = excerpt(**line, 300);
  }
  stderr_done_ = true;
  stderr_done_signal_.cancel();
}

void StdioSession::on_child_line(const std::string& line) {
  auto doc = parse_json(line);
  if (!doc) {
    ++shared_->stats->invalid_lines;
    spdlog::warn("{}: skipped a stdout line that is not JSON ({}): {}", label_, doc.error().message, excerpt(line));
    return;
  }
  if (const auto* batch = doc->if_array()) {
    for (const auto& element : *batch) route(element, to_json(element));
    return;
  }
  route(*doc, line);
}

void StdioSession::route(const json::value& element, std::string raw) {
  using Kind = jsonrpc::Message::Kind;
  // An integer id beyond 64 bits (read as a double) is kept exactly only from its raw text: a
  // one-message line still has it, so that rare case parses the line again. (An element of a
  // batch line was re-serialized; such an id there is refused as not JSON-RPC.)
  const auto* object = element.if_object();
  const auto* id = object != nullptr ? object->if_contains("id") : nullptr;
  auto in = id != nullptr && id->is_double() ? jsonrpc::parse(raw).items.front() : jsonrpc::parse_value(element);
  if (!in.message) {
    ++shared_->stats->invalid_lines;
    spdlog::warn("{}: skipped a stdout message that is not JSON-RPC ({}): {}", label_,
                 in.rejection ? in.rejection->message : "invalid", excerpt(raw));
    return;
  }
  const auto& m = *in.message;
  if (!outbound_) return;
  if (m.kind == Kind::response || m.kind == Kind::error) {
    auto id = pending_.take(m.id);
    if (!id) {
      spdlog::warn("{}: dropped an answer to id {}, which is not a pending client request", label_, to_json(m.id));
      return;
    }
    ++shared_->stats->messages_out;
    outbound_->respond(*id, std::move(raw));
    return;
  }
  ++shared_->stats->messages_out;
  outbound_->send(std::move(raw), pending_.related(m.method, m.params));
}

Task<net::ExitStatus> StdioSession::wait_exit(std::chrono::milliseconds term_after) {
  // SIGTERM after `term_after`, SIGKILL one grace period later; both are no-ops once the child
  // has been reaped, and the timers die with this frame.
  const auto grace = shared_->options.shutdown_grace;
  asio::steady_timer term(strand_, term_after);
  asio::steady_timer kill(strand_, term_after + grace);
  std::weak_ptr<net::Process> weak = process_;
  term.async_wait([weak](boost::system::error_code ec) {
    if (auto p = weak.lock(); p && !ec) p->kill(SIGTERM);
  });
  kill.async_wait([weak](boost::system::error_code ec) {
    if (auto p = weak.lock(); p && !ec) p->kill(SIGKILL);
  });
  auto status = co_await process_->wait();
  term.cancel();
  kill.cancel();
  co_return status;
}

Task<void> StdioSession::on_child_gone() {
  auto self = shared_from_this();
  // Stdout closed: the child is exiting. Let it finish on its own for a grace period.
  auto status = co_await wait_exit(shared_->options.shutdown_grace);
  if (!stderr_done_) {  // its last stderr line usually explains a crash; wait for it, bounded
    stderr_done_signal_.expires_after(std::chrono::milliseconds(500));
    co_await stderr_done_signal_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  auto& stats = *shared_->stats;
  ++stats.children_exited;
  --stats.children_running;
  release_slot();
  write_queue_.clear();
  if (closed_) co_return;  // on_close set gone_ and logs the stop
  ++stats.children_crashed;
  gone_ = "stdio MCP server " + status.describe() + (last_stderr_.empty() ? "" : " (" + last_stderr_ + ")");
  auto ids = pending_.take_all();
  spdlog::warn("{}: {}; answering {} pending request(s) with an error", label_, *gone_, ids.size());
  for (const auto& id : ids) answer_gone(id);
}

void StdioSession::answer_gone(const json::value& id) {
  if (!outbound_) return;
  jsonrpc::ErrorObject err{kStdioServerGone, *gone_ + "; start a new MCP session", std::nullopt};
  outbound_->respond(id, jsonrpc::error_json(id, err));
}

void StdioSession::release_slot() {
  if (slot_held_.exchange(false)) shared_->active.fetch_sub(1);
}

}  // namespace kaos::mcp::stdio_detail
