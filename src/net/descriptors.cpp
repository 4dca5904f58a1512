// Close-on-exec marking and the child-side descriptor sweep (descriptors.hpp).
#include "net/descriptors.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace kaos::net {
namespace {

// close_range over [lo, hi]; false when the kernel lacks the call (ENOSYS) or refuses it.
bool close_range_syscall(unsigned lo, unsigned hi) noexcept {
  if (lo > hi) return true;
  return ::syscall(SYS_close_range, lo, hi, 0) == 0;
}

// The decimal name of a /proc/self/fd entry, -1 for "." and "..".
int parse_fd(const char* name) noexcept {
  if (*name < '0' || *name > '9') return -1;
  int fd = 0;
  for (; *name >= '0' && *name <= '9'; ++name) fd = fd * 10 + (*name - '0');
  return fd;
}

// Reads /proc/self/fd with raw getdents64 (opendir allocates) and closes as it goes: procfs
// positions are descriptor numbers, so closing an entry does not disturb the walk.
bool close_listed(int first, int keep) noexcept {
  int dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  struct Entry {
    std::uint64_t ino;
    std::int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[1];
  };
  alignas(8) char buf[4096];
  for (;;) {
    long n = ::syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n <= 0) break;
    for (long pos = 0; pos < n;) {
      const auto* e = reinterpret_cast<const Entry*>(buf + pos);
      pos += e->reclen;
      int fd = parse_fd(e->name);
      if (fd >= first && fd != keep && fd != dir) ::close(fd);
    }
  }
  ::close(dir);
  return true;
}

}  // namespace

bool set_close_on_exec(int fd) noexcept {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags < 0) return false;
  return (flags & FD_CLOEXEC) != 0 || ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0;
}

void close_descriptors_from(int first, int keep) noexcept {
  if (first < 0) first = 0;
  const unsigned lo = static_cast<unsigned>(first);
  bool done = keep < first ? close_range_syscall(lo, ~0U)
                           : close_range_syscall(lo, static_cast<unsigned>(keep) - 1) &&
                                 close_range_syscall(static_cast<unsigned>(keep) + 1, ~0U);
  if (done || close_listed(first, keep)) return;
  struct rlimit rl {};
  int limit = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (1u << 20)
                  ? static_cast<int>(rl.rlim_cur)
                  : 65536;
  for (int fd = first; fd < limit; ++fd)
    if (fd != keep) ::close(fd);
}

}  // namespace kaos::net
