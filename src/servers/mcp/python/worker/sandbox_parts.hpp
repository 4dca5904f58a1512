#pragma once
// Internal to kaos-python-worker: the pieces sandbox.cpp and containment.cpp put together,
// one file each (README.md lists them).
#include <string>
#include <vector>

#include "sandbox.hpp"

namespace kaos::mcp::python_worker::detail {

std::string errno_text(int err);

/// minimal_root.cpp: in a fresh mount namespace (as its root user), builds the tool's root on
/// a tmpfs, pivots into it and detaches the host's. Empty string, or what failed.
std::string enter_minimal_root(const SandboxOptions& options, SandboxReport& report);

/// capabilities.cpp: drops every capability (and, as root outside a user namespace, becomes
/// uid/gid 65534). Empty string, or what failed.
std::string drop_privileges(const SandboxOptions& options, SandboxReport& report, bool in_user_namespace);

/// landlock.cpp: read and write rules, TCP, scoping. Missing kernel support is reported, not an error.
/// `extra_read`: one more directory to allow reading beneath ("" for none).
std::string apply_landlock(const SandboxOptions& options, SandboxReport& report, bool own_proc,
                           const std::string& extra_read);

/// seccomp.cpp: the syscall filter.
std::string apply_seccomp(const SandboxOptions& options, SandboxReport& report);

/// True when `name` ("userns", "cgroup", "landlock") is in options.pretend_missing.
bool pretend_missing(const SandboxOptions& options, const char* name);

/// The uid/gid tool code runs as when the worker starts as root.
inline constexpr unsigned kSandboxId = 65534;

/// Paths the Python runtime reads (bound read-only into the minimal root, readable under Landlock).
const std::vector<std::string>& runtime_paths();
/// /etc entries worth seeing (time zone, name resolution, certificates, the loader cache).
const std::vector<std::string>& etc_paths();
/// Device nodes tool code may use.
const std::vector<std::string>& device_paths();

}  // namespace kaos::mcp::python_worker::detail
