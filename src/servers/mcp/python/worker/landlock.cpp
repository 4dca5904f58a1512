// Landlock, the layer that holds even without namespaces: reads, writes and execution are
// allowed only beneath the runtime, the scratch directory, the device nodes and the
// operator's paths; TCP bind/connect denied (ABI >= 4) unless the network is allowed; signals
// and abstract Unix sockets scoped to our own domain (ABI >= 6), network allowed or not.
// The UAPI constants are spelled out: Debian 12's <linux/landlock.h> stops at ABI 2.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "sandbox_parts.hpp"

namespace kaos::mcp::python_worker::detail {
namespace {

constexpr std::uint64_t kFsExecute = 1ULL << 0;
constexpr std::uint64_t kFsWriteFile = 1ULL << 1;
constexpr std::uint64_t kFsReadFile = 1ULL << 2;
constexpr std::uint64_t kFsReadDir = 1ULL << 3;
constexpr std::uint64_t kFsWriteAbi1 = (1ULL << 1) | (1ULL << 4) | (1ULL << 5) | (1ULL << 6) | (1ULL << 7) |
                                       (1ULL << 8) | (1ULL << 9) | (1ULL << 10) | (1ULL << 11) |
                                       (1ULL << 12);  // write, remove, make_*
constexpr std::uint64_t kFsRefer = 1ULL << 13;        // ABI 2
constexpr std::uint64_t kFsTruncate = 1ULL << 14;     // ABI 3
constexpr std::uint64_t kFsIoctlDev = 1ULL << 15;     // ABI 5
constexpr std::uint64_t kFsRead = kFsExecute | kFsReadFile | kFsReadDir;
constexpr std::uint64_t kFileRights = kFsExecute | kFsReadFile | kFsWriteFile | kFsTruncate | kFsIoctlDev;
constexpr std::uint64_t kNetBindTcp = 1ULL << 0;  // ABI 4
constexpr std::uint64_t kNetConnectTcp = 1ULL << 1;
constexpr std::uint64_t kScopeAbstractUnix = 1ULL << 0;  // ABI 6
constexpr std::uint64_t kScopeSignal = 1ULL << 1;
constexpr unsigned kCreateRulesetVersion = 1U << 0;
constexpr int kLandlockRulePathBeneath = 1;

#ifndef SYS_landlock_create_ruleset
constexpr long SYS_landlock_create_ruleset = 444;
constexpr long SYS_landlock_add_rule = 445;
constexpr long SYS_landlock_restrict_self = 446;
#endif

struct RulesetAttr {  // grows with the ABI; the kernel takes the prefix we say we know
  std::uint64_t handled_access_fs = 0;
  std::uint64_t handled_access_net = 0;
  std::uint64_t scoped = 0;
};
struct [[gnu::packed]] PathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};

// Allows `rights` beneath `path` (only the file rights on a file: Landlock rejects the
// others). A missing optional path is skipped; a missing required one is an error.
std::string allow(int ruleset, const std::string& path, std::uint64_t rights, const char* required_by) {
  int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) {
    if (!required_by) return {};
    return std::string(required_by) + ": '" + path + "' cannot be opened by uid " + std::to_string(geteuid()) + ": " +
           errno_text(errno) + " (make it reachable by that uid)";
  }
  struct stat st {};
  fstat(fd, &st);
  PathBeneathAttr rule{S_ISDIR(st.st_mode) ? rights : (rights & kFileRights), fd};
  long rc = syscall(SYS_landlock_add_rule, ruleset, kLandlockRulePathBeneath, &rule, 0);
  int err = errno;
  close(fd);
  if (rc != 0) return "Landlock rule for '" + path + "' failed: " + errno_text(err);
  return {};
}

std::string add_rules(int ruleset, const SandboxOptions& o, std::uint64_t handled, bool own_proc,
                      const std::string& extra_read) {
  const std::uint64_t read = handled & kFsRead;
  std::string err;
  auto add = [&](const std::string& path, std::uint64_t rights, const char* required_by) {
    if (err.empty()) err = allow(ruleset, path, rights, required_by);
  };
  for (const auto& p : runtime_paths()) add(p, read, nullptr);
  for (const auto& p : etc_paths()) add(p, read, nullptr);
  add("/etc/passwd", read, nullptr);
  add("/etc/group", read, nullptr);
  for (const auto& p : device_paths()) add(p, read, nullptr);
  add("/dev/null", handled, "/dev/null");  // subprocess.DEVNULL, os.devnull
  add("/dev/shm", handled, nullptr);
  // With our own PID namespace /proc shows only our processes; without, only this one.
  add(own_proc ? "/proc" : "/proc/self", read, nullptr);
  for (const auto& p : o.readable_paths) add(p, read, "MCP_SANDBOX_READABLE_PATHS");
  for (const auto& p : o.writable_paths) add(p, handled, "MCP_SANDBOX_WRITABLE_PATHS");
  add(o.scratch_dir, handled, "the scratch directory");
  if (!extra_read.empty()) add(extra_read, kFsReadFile | kFsReadDir, "the worker's cgroup");
  return err;
}

}  // namespace

std::string apply_landlock(const SandboxOptions& o, SandboxReport& report, bool own_proc,
                           const std::string& extra_read) {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  if (abi < 0) {
    report.lack("landlock", "Landlock is unavailable (" + errno_text(errno) +
                                "): reads and writes are limited by the minimal root only, if any");
    return {};
  }
  report.landlock_abi = static_cast<int>(abi);
  RulesetAttr attr;
  attr.handled_access_fs =
      kFsRead | kFsWriteAbi1 | (abi >= 2 ? kFsRefer : 0) | (abi >= 3 ? kFsTruncate : 0) | (abi >= 5 ? kFsIoctlDev : 0);
  std::size_t attr_size = offsetof(RulesetAttr, handled_access_net);
  if (abi >= 4) {
    attr_size = offsetof(RulesetAttr, scoped);
    if (!o.allow_network) attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
  } else if (!o.allow_network) {
    report.lack("landlock_network", "Landlock ABI " + std::to_string(abi) +
                                        " has no network rules; the seccomp filter and the network namespace deny TCP");
  }
  if (abi >= 6) {
    attr_size = sizeof(RulesetAttr);
    // Abstract Unix sockets of the host (D-Bus, X11, ...) stay out of reach even with the
    // network allowed (no network namespace then); the tool's own still work among themselves.
    attr.scoped = kScopeSignal | kScopeAbstractUnix;
  } else {
    report.lack("landlock_scope", "Landlock ABI " + std::to_string(abi) +
                                      " cannot scope signals; the PID namespace hides the server, if there is one");
  }
  int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0));
  if (ruleset < 0) return "landlock_create_ruleset failed: " + errno_text(errno);
  if (auto err = add_rules(ruleset, o, attr.handled_access_fs, own_proc, extra_read); !err.empty()) {
    close(ruleset);
    return err;
  }
  long rc = syscall(SYS_landlock_restrict_self, ruleset, 0);
  int err = errno;
  close(ruleset);
  if (rc != 0) return "landlock_restrict_self failed: " + errno_text(err);
  report.filesystem_confined = true;
  report.reads_confined = true;
  report.tcp_confined = attr.handled_access_net != 0;
  report.signals_scoped = attr.scoped != 0;
  return {};
}

}  // namespace kaos::mcp::python_worker::detail
