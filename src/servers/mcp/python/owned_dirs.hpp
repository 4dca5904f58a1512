#pragma once
// Directories named after the process that owns them, so that the next process can find and
// remove those a dead owner left behind (kill -9, a crash) without touching a live one's:
// <base>/<name>-<pid>-<starttime>-XXXXXX. The start time (/proc/<pid>/stat, field 22) tells a
// reused pid from the dead owner. For python-string scratch directories today; per-worker
// cgroups can use the same naming and stale_owned_dirs (removing them with rmdir).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace kaos::mcp::python {

/// "<name>-<pid>-<starttime>-" for this process.
std::string owned_dir_prefix(std::string_view name);

/// Creates <base>/<owned_dir_prefix(name)>XXXXXX (mkdtemp: mode 0700, a fresh name). Error "io"
/// naming `base` and the fix (set TMPDIR to a writable directory).
Result<std::string> make_owned_dir(const std::string& base, std::string_view name);

/// The directories in `base` named <name>-<pid>-<starttime>-* whose owner is gone: no such pid,
/// a zombie, or the pid now belongs to a process with another start time. Names of any other
/// shape are never listed.
std::vector<std::string> stale_owned_dirs(const std::string& base, std::string_view name);

/// Removes stale_owned_dirs(base, name) recursively; returns how many it removed (a failure is
/// logged as a warning and skipped).
std::size_t remove_stale_owned_dirs(const std::string& base, std::string_view name);

/// Where scratch directories go: $TMPDIR, else /tmp.
std::string scratch_base();

}  // namespace kaos::mcp::python
