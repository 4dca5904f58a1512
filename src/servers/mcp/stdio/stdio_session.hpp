#pragma once
// One MCP session of the stdio bridge: one child process, its stdin fed with the client's
// messages, its stdout read and routed back through the Outbound, its stderr logged.
//
// Thread model: all state lives on the session's strand. receive() and close() may be called
// from any thread; they post to the strand. The reader coroutines hold the session alive until
// the child is reaped, so a closed session still finishes terminating its child.
#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "net/process.hpp"
#include "servers/mcp/session_handler.hpp"
#include "servers/mcp/stdio/pending_requests.hpp"
#include "servers/mcp/stdio/stdio_bridge.hpp"

namespace kaos::mcp::stdio_detail {

/// What the factory and all its sessions share: settings, counters, the session limit.
struct BridgeShared {
  StdioBridgeOptions options;
  std::shared_ptr<StdioBridgeStats> stats;
  std::atomic<std::size_t> active{0};  ///< sessions holding one of the max_sessions slots
  std::atomic<std::uint64_t> next_session{1};
};

class StdioSession final : public SessionHandler, public std::enable_shared_from_this<StdioSession> {
 public:
  /// Takes a session slot and starts the child. Errors: the limit is reached, or the program
  /// could not start (the message names it).
  static Result<std::shared_ptr<StdioSession>> start(net::Executor executor, std::shared_ptr<BridgeShared> shared,
                                                     std::shared_ptr<Outbound> outbound);
  ~StdioSession() override;

  Task<void> receive(jsonrpc::Message message) override;
  void close() override;

 private:
  using Strand = boost::asio::strand<net::Executor>;
  StdioSession(Strand strand, std::shared_ptr<BridgeShared> shared, std::shared_ptr<Outbound> outbound,
               std::uint64_t number);

  void on_client_message(jsonrpc::Message message);
  void on_close();
  void enqueue(std::string line);
  Task<void> write_loop();
  Task<void> read_stdout();
  Task<void> read_stderr();
  void on_child_line(const std::string& line);
  void route(const json::value& element, std::string raw);
  Task<net::ExitStatus> wait_exit(std::chrono::milliseconds term_after);
  Task<void> on_child_gone();
  void answer_gone(const json::value& id);
  void release_slot();

  Strand strand_;
  std::shared_ptr<BridgeShared> shared_;
  std::shared_ptr<Outbound> outbound_;  // reset on close: nothing goes to a closed session
  std::shared_ptr<net::Process> process_;
  std::string label_;  // "stdio session 3 (pid 1234)", for logs
  PendingRequests pending_;
  std::deque<std::string> write_queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  std::atomic<bool> slot_held_{true};  // released by close() at once, from any thread
  std::optional<std::string> gone_;    // set once the child is gone: the error text for requests
  std::string last_stderr_;
  bool stderr_done_ = false;
  boost::asio::steady_timer stderr_done_signal_;  // cancelled when the stderr reader ends
};

}  // namespace kaos::mcp::stdio_detail
