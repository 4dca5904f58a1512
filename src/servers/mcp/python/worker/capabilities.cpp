// No privileges for tool code: every capability set emptied (effective, permitted,
// inheritable, ambient, bounding), securebits locked so that uid 0 regains nothing on execve,
// and -- as root without a user namespace -- uid/gid 65534. Inside a user namespace the
// process is that namespace's root, mapped to 65534 (or the server's uid) on the host.
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>

#include "sandbox_parts.hpp"

namespace kaos::mcp::python_worker::detail {
namespace {

bool capset_empty() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  return syscall(SYS_capset, &header, data) == 0;
}

bool capabilities_empty() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  for (const auto& d : data) {
    if (d.effective || d.permitted || d.inheritable) return false;
  }
  for (int cap = 0;; ++cap) {
    int in_bounding_set = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_bounding_set < 0) return true;  // past the last capability
    if (in_bounding_set == 1) return false;
  }
}

std::string become_sandbox_user(SandboxReport& report) {
  pid_t parent = getppid();
  if (setgroups(0, nullptr) != 0 || setresgid(kSandboxId, kSandboxId, kSandboxId) != 0 ||
      setresuid(kSandboxId, kSandboxId, kSandboxId) != 0) {
    return "cannot switch to uid/gid " + std::to_string(kSandboxId) + ": " + errno_text(errno);
  }
  // The credential change cleared the parent-death signal the server's spawn set: re-arm it,
  // so that this worker still dies with its server.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return "the server exited while the worker started";
  report.uid = kSandboxId;
  return {};
}

}  // namespace

std::string drop_privileges(const SandboxOptions& o, SandboxReport& report, bool in_user_namespace) {
  (void)o;
  // Needs CAP_SETPCAP, which we have as (namespace) root; an unprivileged worker has none to drop.
  prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                               SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                               SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED);
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  if (!in_user_namespace && geteuid() == 0) {
    if (auto err = become_sandbox_user(report); !err.empty()) return err;
  }
  if (!capset_empty()) return "capset to no capabilities failed: " + errno_text(errno);
  report.capabilities_dropped = capabilities_empty();
  if (!report.capabilities_dropped) {
    report.lack("capabilities",
                "the capability bounding set could not be emptied (no CAP_SETPCAP); effective and "
                "permitted sets are empty");
  }
  return {};
}

}  // namespace kaos::mcp::python_worker::detail
