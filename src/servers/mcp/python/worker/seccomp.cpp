// The seccomp-BPF filter (hand-written classic BPF over struct seccomp_data, x86_64 and
// aarch64): other ABIs (x32, i386) kill the process; io_uring fails with ENOSYS (it could
// open sockets and files past this filter); ownership and extended-attribute changes fail
// with EPERM everywhere (scratch included: nothing there needs them); and unless the network
// is allowed, socket() fails with EACCES for every family but AF_UNIX and connect() fails
// with EPERM -- which also forbids connecting to Unix sockets, pathname ones in scratch
// included (socketpair() still works: multiprocessing and asyncio use it).
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "sandbox_parts.hpp"

namespace kaos::mcp::python_worker::detail {
namespace {

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
constexpr std::uint32_t kX32Bit = 0x40000000;  // __X32_SYSCALL_BIT: another ABI, refused
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
constexpr std::uint32_t kX32Bit = 0;
#else
#error "kaos-python-worker: seccomp filter written for x86_64 and aarch64 only"
#endif

// Linux 6.13 added the *xattrat calls; the numbers are shared by every architecture.
constexpr std::uint32_t kNrSetxattrat = 463;
constexpr std::uint32_t kNrRemovexattrat = 466;

sock_filter stmt(std::uint16_t code, std::uint32_t k) {
  return BPF_STMT(code, k);
}
sock_filter jump(std::uint16_t code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(code, k, jt, jf);
}

// "if nr == `nr` return `action`", with the syscall number in the accumulator.
void deny(std::vector<sock_filter>& prog, long nr, std::uint32_t action) {
  prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(nr), 0, 1));
  prog.push_back(stmt(BPF_RET | BPF_K, action));
}

std::vector<long> metadata_calls() {
  std::vector<long> calls = {__NR_fchown,      __NR_fchownat,     __NR_setxattr,     __NR_lsetxattr, __NR_fsetxattr,
                             __NR_removexattr, __NR_lremovexattr, __NR_fremovexattr, kNrSetxattrat,  kNrRemovexattrat};
#ifdef __NR_chown
  calls.push_back(__NR_chown);
  calls.push_back(__NR_lchown);
#endif
  return calls;
}

}  // namespace

std::string apply_seccomp(const SandboxOptions& o, SandboxReport& report) {
  const std::uint32_t enosys = SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA);
  const std::uint32_t eperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
  const std::uint32_t eacces = SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA);
  std::vector<sock_filter> prog = {
      stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      jump(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0),
      stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
  };
  if (kX32Bit != 0) {
    prog.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, kX32Bit, 0, 1));
    prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  }
  for (long nr : {__NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register}) deny(prog, nr, enosys);
  for (long nr : metadata_calls()) deny(prog, nr, eperm);
  if (!o.allow_network) {
    deny(prog, __NR_connect, eperm);
    // not socket -> the final allow; the family is an int: the low 32 bits of args[0]
    // (little-endian on both arches); AF_UNIX -> allow, anything else -> EACCES.
    prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3));
    prog.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])));
    prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 1, 0));
    prog.push_back(stmt(BPF_RET | BPF_K, eacces));
  }
  prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  sock_fprog fprog{static_cast<unsigned short>(prog.size()), prog.data()};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) return "seccomp filter failed: " + errno_text(errno);
  report.socket_filter = !o.allow_network;
  return {};
}

}  // namespace kaos::mcp::python_worker::detail
