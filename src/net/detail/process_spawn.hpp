#pragma once
// The synchronous half of net::Process: fork + execve with pipes, no Asio. Split from
// process.cpp so the async side reads as I/O only.
#include <sys/types.h>

#include <string>

#include "core/result.hpp"
#include "net/process.hpp"

namespace kaos::net::detail {

/// A file descriptor closed on destruction; -1 when empty.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  ~UniqueFd();
  int get() const { return fd_; }
  int release();
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// A started child: its pid, a pidfd (readable once it exits) and the parent's ends of the
/// pipes that were requested (empty otherwise).
struct SpawnedChild {
  pid_t pid = -1;
  UniqueFd pidfd;
  UniqueFd stdin_w;
  UniqueFd stdout_r;
  UniqueFd stderr_r;
  std::string program;  ///< argv[0] as given, for messages
};

/// Starts the program described by `options`. Errors: "invalid" (empty argv, bad stderr
/// mode, NUL bytes), "io" (not found, not executable, chdir failed, fork failed), each naming
/// the program. A child whose exec failed has been reaped before this returns.
Result<SpawnedChild> spawn_child(const ProcessOptions& options);

}  // namespace kaos::net::detail
