#include "sandbox.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstring>

namespace kaos::mcp::python_worker {
namespace {

// Landlock UAPI, spelled out here: Debian 12's <linux/landlock.h> stops at ABI 2, the kernels
// we run on go further. Values are the kernel's stable ABI (include/uapi/linux/landlock.h).
constexpr int kLandlockRuleNetPort = 2;
constexpr std::uint64_t kFsWriteFile = 1ULL << 1;
constexpr std::uint64_t kFsWriteAbi1 = (1ULL << 1) | (1ULL << 4) | (1ULL << 5) | (1ULL << 6) | (1ULL << 7) |
                                       (1ULL << 8) | (1ULL << 9) | (1ULL << 10) | (1ULL << 11) |
                                       (1ULL << 12);  // write, remove, make_*
constexpr std::uint64_t kFsRefer = 1ULL << 13;        // ABI 2
constexpr std::uint64_t kFsTruncate = 1ULL << 14;     // ABI 3
constexpr std::uint64_t kFsIoctlDev = 1ULL << 15;     // ABI 5
constexpr std::uint64_t kNetBindTcp = 1ULL << 0;      // ABI 4
constexpr std::uint64_t kNetConnectTcp = 1ULL << 1;
constexpr std::uint64_t kScopeAbstractUnix = 1ULL << 0;  // ABI 6
constexpr std::uint64_t kScopeSignal = 1ULL << 1;
constexpr unsigned kCreateRulesetVersion = 1U << 0;
constexpr int kLandlockRulePathBeneath = 1;

struct RulesetAttr {  // grows with the ABI; the kernel takes the prefix we say we know
  std::uint64_t handled_access_fs = 0;
  std::uint64_t handled_access_net = 0;
  std::uint64_t scoped = 0;
};
struct [[gnu::packed]] PathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};

#ifndef SYS_landlock_create_ruleset
constexpr long SYS_landlock_create_ruleset = 444;
constexpr long SYS_landlock_add_rule = 445;
constexpr long SYS_landlock_restrict_self = 446;
#endif

std::string errno_text(int err) {
  return std::strerror(err);
}

std::string set_limit(int resource, const char* name, rlim_t value) {
  rlimit lim{value, value};
  if (setrlimit(resource, &lim) != 0) {
    return std::string("setrlimit(") + name + ") failed: " + errno_text(errno);
  }
  return {};
}

std::string apply_rlimits(const SandboxOptions& o) {
  constexpr rlim_t kMiB = 1024 * 1024;
  for (auto err :
       {set_limit(RLIMIT_AS, "RLIMIT_AS", o.memory_limit_mb * kMiB),
        set_limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", o.max_file_mb * kMiB),
        set_limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", o.max_open_files), set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0)}) {
    if (!err.empty()) return err;
  }
  return {};
}

// Adds a write rule for `path`: every handled write right on a directory, the file rights on
// a file (Landlock rejects directory rights on files).
std::string allow_writes(int ruleset, const std::string& path, std::uint64_t handled_fs) {
  int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return "writable path '" + path + "' cannot be opened: " + errno_text(errno);
  struct stat st {};
  fstat(fd, &st);
  std::uint64_t file_rights = kFsWriteFile | kFsTruncate | kFsIoctlDev;
  PathBeneathAttr rule{S_ISDIR(st.st_mode) ? handled_fs : (handled_fs & file_rights), fd};
  long rc = syscall(SYS_landlock_add_rule, ruleset, kLandlockRulePathBeneath, &rule, 0);
  int err = errno;
  close(fd);
  if (rc != 0) return "Landlock rule for '" + path + "' failed: " + errno_text(err);
  return {};
}

std::string apply_landlock(const SandboxOptions& o, SandboxReport& report) {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  if (abi < 0) {
    report.warnings.push_back("Landlock is unavailable (" + errno_text(errno) +
                              "): filesystem writes outside the scratch directory and TCP bind/connect are NOT "
                              "restricted by Landlock; the seccomp socket filter and rlimits still apply");
    return {};
  }
  report.landlock_abi = static_cast<int>(abi);
  RulesetAttr attr;
  attr.handled_access_fs =
      kFsWriteAbi1 | (abi >= 2 ? kFsRefer : 0) | (abi >= 3 ? kFsTruncate : 0) | (abi >= 5 ? kFsIoctlDev : 0);
  std::size_t attr_size = offsetof(RulesetAttr, handled_access_net);
  if (abi >= 4) {
    attr_size = offsetof(RulesetAttr, scoped);
    if (!o.allow_network) attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
  } else if (!o.allow_network) {
    report.warnings.push_back("Landlock ABI " + std::to_string(abi) +
                              " has no network rules; only the seccomp socket filter denies TCP");
  }
  if (abi >= 6) {
    attr_size = sizeof(RulesetAttr);
    // Signals only to our own descendants: tool code cannot signal the server.
    attr.scoped = kScopeSignal | (o.allow_network ? 0 : kScopeAbstractUnix);
  }
  int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0));
  if (ruleset < 0) return "landlock_create_ruleset failed: " + errno_text(errno);
  std::vector<std::string> writable = o.writable_paths;
  if (!o.scratch_dir.empty()) writable.push_back(o.scratch_dir);
  writable.push_back("/dev/null");  // subprocess.DEVNULL, os.devnull
  for (const auto& path : writable) {
    if (auto err = allow_writes(ruleset, path, attr.handled_access_fs); !err.empty()) {
      close(ruleset);
      return err;
    }
  }
  long rc = syscall(SYS_landlock_restrict_self, ruleset, 0);
  int err = errno;
  close(ruleset);
  if (rc != 0) return "landlock_restrict_self failed: " + errno_text(err);
  report.filesystem_confined = true;
  report.tcp_confined = attr.handled_access_net != 0;
  report.signals_scoped = attr.scoped != 0;
  return {};
}

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
constexpr std::uint32_t kX32Bit = 0x40000000;  // __X32_SYSCALL_BIT: another ABI, refused
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
constexpr std::uint32_t kX32Bit = 0;
#else
#error "kaos-python-worker: seccomp filter written for x86_64 and aarch64 only"
#endif

sock_filter stmt(std::uint16_t code, std::uint32_t k) {
  return BPF_STMT(code, k);
}
sock_filter jump(std::uint16_t code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(code, k, jt, jf);
}

// Classic BPF over struct seccomp_data. Jumps count instructions to skip.
std::string apply_seccomp(const SandboxOptions& o, SandboxReport& report) {
  const std::uint32_t deny_io_uring = SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA);
  const std::uint32_t deny_socket = SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA);
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
  // io_uring can open sockets and files without the syscalls filtered here.
  for (long nr : {__NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register}) {
    prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(nr), 0, 1));
    prog.push_back(stmt(BPF_RET | BPF_K, deny_io_uring));
  }
  if (!o.allow_network) {
    // not socket -> the final allow; the family is an int: the low 32 bits of args[0]
    // (little-endian on both arches); AF_UNIX -> allow, anything else -> EACCES.
    prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3));
    prog.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])));
    prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 1, 0));
    prog.push_back(stmt(BPF_RET | BPF_K, deny_socket));
  }
  prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  sock_fprog fprog{static_cast<unsigned short>(prog.size()), prog.data()};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) {
    return "seccomp filter failed: " + errno_text(errno);
  }
  report.socket_filter = !o.allow_network;
  return {};
}

}  // namespace

SandboxOutcome apply_sandbox(const SandboxOptions& options) {
  SandboxOutcome out;
  if (auto err = apply_rlimits(options); !err.empty()) {
    out.error = err;
    return out;
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    out.error = "prctl(PR_SET_NO_NEW_PRIVS) failed: " + errno_text(errno);
    return out;
  }
  if (auto err = apply_landlock(options, out.report); !err.empty()) {
    out.error = err;
    return out;
  }
  if (auto err = apply_seccomp(options, out.report); !err.empty()) {
    out.error = err;
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace kaos::mcp::python_worker
