#pragma once
// No descriptor of ours reaches a program we start unless we pass it on purpose (issue 11: a
// tool worker that inherited the server's listening socket answered other clients' requests).
// Two halves: everything we open is close-on-exec, and every spawn closes all but 0-2 in the
// child anyway, which also covers descriptors opened by libraries and the window between an
// accept()/socket() and the fcntl that marks it (Asio has no SOCK_CLOEXEC/accept4 option).
namespace kaos::net {

/// Sets FD_CLOEXEC on `fd`. False (errno set) when fcntl fails, e.g. `fd` is not open.
bool set_close_on_exec(int fd) noexcept;

/// Closes every descriptor numbered `first` or above except `keep` (-1: none). For a forked
/// child before execve: async-signal-safe, no allocation. close_range(2) (Linux 5.9+); on
/// ENOSYS the entries of /proc/self/fd (read with getdents64); without /proc every number
/// below RLIMIT_NOFILE.
void close_descriptors_from(int first, int keep) noexcept;

}  // namespace kaos::net
